import { createHash, randomFillSync } from 'node:crypto'
import { HookyardError } from '../errors.ts'
import { perRequestLogger, type Logger } from '../logger.ts'
import type { Producer } from '../queue/producer.ts'
import type { RuleSet } from '../rules/types.ts'
import { sourceTypes } from '../sources/index.ts'
import { redactHeaders, redactQuery } from '../sources/redact.ts'
import type { InboundRequest } from '../sources/types.ts'
import { describeRouting, routeInbound } from './route-inbound.ts'

export interface AcceptDeps {
  getRuleSet: () => RuleSet
  producer: Producer
  logger: Logger
  userAgent: string
}

export interface AcceptResult {
  status: 200 | 202
  body: Record<string, unknown>
}

/**
 * Verifies, routes and durably stores one inbound webhook. Resolves only once Redis holds the
 * event and its deliveries, so a 2xx is never sent for anything that could still be lost.
 * @throws HookyardError SOURCE_UNKNOWN, SIGNATURE_*, BODY_INVALID, STORE_UNAVAILABLE
 */
export async function acceptWebhook(deps: AcceptDeps, sourceName: string, req: InboundRequest): Promise<AcceptResult> {
  const ruleSet = deps.getRuleSet()
  const source = ruleSet.sources.get(sourceName)
  const sourceType = source && sourceTypes.get(source.type)
  if (!source || !sourceType) {
    throw new HookyardError('SOURCE_UNKNOWN', `no source named ${JSON.stringify(sourceName)}`)
  }
  const receivedAt = new Date()
  const newId = createEventId(receivedAt)
  const log = sourceLogger(deps.logger, source.name)
  try {
    sourceType.verify(req, source)
  } catch (err) {
    log.warn({ event_id: newId, reason: (err as Error).message }, 'webhook rejected')
    throw err
  }
  const parsed = sourceType.parse(req, source)
  if (parsed.ping) {
    log.info({ event_id: newId, event: parsed.event }, 'ping answered')
    return { status: 200, body: { event: newId, deliveries: [], reason: `${parsed.event} event: nothing to trigger` } }
  }
  const { record, plan } = await routeInbound({
    eventId: newId,
    source,
    req,
    parsed,
    receivedAt,
    ruleSet,
    userAgent: deps.userAgent,
    stored: {
      method: req.method,
      headers: redactHeaders(req.headers),
      query: redactQuery(req.query),
    },
  })
  const senderDelivery = record.delivery
  const { duplicateOf } = await storeOrUnavailable(() => deps.producer.store(record, req.rawBody, plan.deliveries, ruleSet, dedupKey(senderDelivery)))
  if (duplicateOf !== null) {
    log.info({ event_id: duplicateOf, event: parsed.event, sender_delivery: senderDelivery }, 'duplicate ignored')
    return { status: 200, body: { event: duplicateOf, duplicate: true } }
  }
  log.info(
    {
      event_id: newId,
      event: parsed.event,
      sender_delivery: senderDelivery,
      deliveries: plan.deliveries.length,
      matched: plan.routes.filter((r) => r.status === 'matched').map((r) => r.route),
    },
    'event accepted'
  )
  return describeRouting(newId, plan)
}

const sourceLoggers = new WeakMap<Logger, Map<string, Logger>>()

/** One child logger per source, made once: building a pino child per request costs more than the line. */
function sourceLogger(root: Logger, source: string): Logger {
  let bySource = sourceLoggers.get(root)
  if (!bySource) {
    bySource = new Map()
    sourceLoggers.set(root, bySource)
  }
  let child = bySource.get(source)
  if (!child) {
    child = perRequestLogger(root, { source })
    bySource.set(source, child)
  }
  return child
}

/** Redis failures become STORE_UNAVAILABLE (503 + Retry-After): the sender should try again. */
export async function storeOrUnavailable<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step()
  } catch (err) {
    throw new HookyardError('STORE_UNAVAILABLE', 'the event store (Redis) is unavailable; retry later', { cause: err })
  }
}

/** Time-ordered, unguessable, no ':' (BullMQ job ids) and never all digits. */
export function createEventId(at: Date): string {
  if (idPoolOffset >= ID_POOL.length) {
    randomFillSync(ID_POOL) // one system call per 512 ids instead of one per request
    idPoolOffset = 0
  }
  const random = ID_POOL.toString('hex', idPoolOffset, idPoolOffset + 8)
  idPoolOffset += 8
  return `ev_${at.getTime().toString(36)}${random}`
}

const ID_POOL = Buffer.alloc(8 * 512)
let idPoolOffset = ID_POOL.length

/** Sender ids are usually GUIDs; anything long or unusual is hashed so it is a safe Redis key part. */
function dedupKey(senderDelivery: string): string {
  return /^[\w.-]{1,128}$/.test(senderDelivery)
    ? senderDelivery
    : createHash('sha256').update(senderDelivery).digest('hex')
}
