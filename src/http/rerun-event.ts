import type { DeliveryLog } from '../delivery-log/delivery-log.ts'
import type { EventRecord } from '../delivery-log/records.ts'
import { HookyardError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import type { Producer } from '../queue/producer.ts'
import { planDeliveries } from '../routing/plan-deliveries.ts'
import type { RuleSet } from '../rules/types.ts'
import { buildEnvelopes } from '../sources/build-envelopes.ts'
import { sourceTypes } from '../sources/index.ts'
import { createEventId } from './accept-webhook.ts'
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
  const envelopes = buildEnvelopes(source, req, parsed, receivedAt)
  const plan = await planDeliveries({ eventId, envelopes, ruleSet, userAgent: deps.userAgent })
  const record: EventRecord = {
    id: eventId,
    source: source.name,
    type: source.type,
    event: parsed.event,
    delivery: envelopes[0]?.delivery ?? original.delivery,
    received_at: receivedAt.toISOString(),
    rules_version: ruleSet.version,
    routes: plan.routes,
    deliveries: plan.deliveries.map((d) => d.id),
    state: 'accepted', // the producer stores the event and its deliveries in one atomic step
    request: original.request,
    rerun_of: original.id,
  }
  try {
    await deps.producer.store(record, plan.deliveries, ruleSet)
  } catch (err) {
    throw new HookyardError('STORE_UNAVAILABLE', 'the event store (Redis) is unavailable; retry later', { cause: err })
  }
  const deliveries = plan.deliveries.map((d) => ({
    id: d.id,
    route: d.route,
    target: d.target,
    ...(d.error ? { status: 'failed', error: d.error } : { status: 'queued' }),
  }))
  const routes = plan.routes.map(({ route, status, reason }) => ({ route, status, ...(reason ? { reason } : {}) }))
  deps.logger.info({ event_id: eventId, rerun_of: original.id, deliveries: deliveries.length }, 'event re-run')
  if (deliveries.length === 0) {
    const reason = routes.length === 0 ? 'no route uses this source' : 'no route matched'
    return { status: 200, body: { event: eventId, rerun_of: original.id, deliveries: [], reason, routes } }
  }
  return { status: 202, body: { event: eventId, rerun_of: original.id, deliveries, routes } }
}
