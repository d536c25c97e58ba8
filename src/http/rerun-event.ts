import type { DeliveryLog } from '../delivery-log/delivery-log.ts'
import type { RequestMeta, StoredRequest } from '../delivery-log/records.ts'
import type { Logger } from '../logger.ts'
import type { Producer } from '../queue/producer.ts'
import type { RuleSet } from '../rules/types.ts'
import { sourceTypes } from '../sources/index.ts'
import { createEventId, storeOrUnavailable } from './accept-webhook.ts'
import { describeRouting, routeInbound } from './route-inbound.ts'
import { inboundRequest } from './event-envelope.ts'

export interface RerunDeps {
  getRuleSet: () => RuleSet
  producer: Producer
  log: DeliveryLog
  logger: Logger
  userAgent: string
}

export type RerunResult =
  | { status: 200 | 202; body: Record<string, unknown> }
  | { status: 404 | 409; body: { error: { code: string; message: string } } }

/**
 * Re-evaluates a stored event against the current rules: a new event (`rerun_of` set) routed,
 * stored and queued as ingress does. No dedup claim (the point is to run it again) and no
 * signature check (the original was verified, and shared tokens were masked when it was stored).
 * @throws HookyardError STORE_UNAVAILABLE when Redis does not take it
 */
export async function rerunEvent(deps: RerunDeps, originalId: string): Promise<RerunResult> {
  const original = await deps.log.getEvent(originalId)
  if (!original) {
    return { status: 404, body: { error: { code: 'NOT_FOUND', message: `no event ${originalId}` } } }
  }
  const ruleSet = deps.getRuleSet()
  const source = ruleSet.sources.get(original.source)
  const sourceType = source && sourceTypes.get(source.type)
  if (!source || !sourceType) {
    return { status: 409, body: { error: { code: 'SOURCE_UNKNOWN', message: `source ${original.source} is no longer in the rules` } } }
  }
  const req = inboundRequest(original)
  let parsed
  try {
    parsed = sourceType.parse(req, source)
  } catch (err) {
    return { status: 409, body: { error: { code: 'BODY_INVALID', message: (err as Error).message } } }
  }
  const receivedAt = new Date()
  const eventId = createEventId(receivedAt)
  if (parsed.ping) {
    return { status: 200, body: { event: null, rerun_of: original.id, deliveries: [], reason: `${parsed.event} event: nothing to trigger` } }
  }
  const { record, plan } = await routeInbound({ eventId, source, req, parsed, receivedAt, ruleSet, userAgent: deps.userAgent, stored: requestMeta(original.request) })
  record.rerun_of = original.id
  await storeOrUnavailable(() => deps.producer.store(record, req.rawBody, plan.deliveries, ruleSet))
  deps.logger.info({ event_id: eventId, rerun_of: original.id, deliveries: plan.deliveries.length }, 'event re-run')
  return describeRouting(eventId, plan, { rerun_of: original.id })
}

function requestMeta({ method, headers, query }: StoredRequest): RequestMeta {
  return { method, headers, query }
}
