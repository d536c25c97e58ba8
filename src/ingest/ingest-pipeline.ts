import { createHash } from 'node:crypto'
import type { DeliveryLog } from '../store/delivery-log.ts'
import type { EventRecord, StoredRequest } from '../store/records.ts'
import { HookyardError } from '../errors.ts'
import { perRequestLogger, type Logger } from '../logger.ts'
import type { Producer } from '../queue/producer.ts'
import { isOutOfMemory } from '../redis-memory.ts'
import type { RoutingResult } from '../routing/plan-deliveries.ts'
import type { RuleSet } from '../rules/types.ts'
import { redactHeaders, redactQuery } from '../secret-masking.ts'
import { MISFIRE_MAX_AGE_MS, scheduleDeliveryId, scheduleRequest } from '../sources/schedule.ts'
import type { InboundRequest } from '../sources/types.ts'
import { createEventId } from './event-id.ts'
import { eventRecord, findSource, readEvent, requireSource, routeEvent } from './route-event.ts'

export interface IngestDeps {
  getRuleSet: () => RuleSet
  producer: Producer
  logger: Logger
  userAgent: string
  /** HOOKYARD_PUBLIC_URL, for the dashboard links of commit statuses; absent: none */
  publicUrl?: string | null | undefined
}

/** What became of one trigger. */
export type IngestOutcome =
  /** a ping/test event: nothing routed, nothing stored */
  | { kind: 'ping'; eventId: string; event: string }
  /** the sender's delivery id was seen before: nothing stored, `eventId` is the original */
  | { kind: 'duplicate'; eventId: string }
  | { kind: 'stored'; eventId: string; plan: RoutingResult }

/** A re-run that could not start: the stored event is gone, or no longer fits the rules. */
export type RerunRefusal =
  | { kind: 'not_found'; message: string }
  | { kind: 'refused'; code: 'SOURCE_UNKNOWN' | 'BODY_INVALID'; message: string }

export interface IngestPipeline {
  /**
   * Verifies, routes and durably stores one inbound request. Resolves only once Redis holds the
   * event and its deliveries, so nothing acknowledged can still be lost.
   * @throws HookyardError SOURCE_UNKNOWN, SIGNATURE_*, BODY_INVALID, STORE_UNAVAILABLE
   */
  acceptRequest(sourceName: string, req: InboundRequest): Promise<IngestOutcome>
  /**
   * Re-evaluates a stored event against the current rules: a new event (`rerun_of` set) routed
   * and stored as ingress does. No dedup claim (the point is to run it again) and no signature
   * check (the original was verified, and shared tokens were masked when it was stored).
   * @throws HookyardError STORE_UNAVAILABLE
   */
  /**
   * Fires one tick of a schedule source: routed and stored like a webhook, with the tick's
   * delivery id (`<name>@<fire time>`) as the dedup key, so of all the processes firing the same
   * tick exactly one stores it (the others get `duplicate`). `manual`: a run requested now
   * (`<name>@manual-<time>`), never deduplicated against ticks.
   * @throws HookyardError SOURCE_UNKNOWN (no such schedule), STORE_UNAVAILABLE
   */
  fireSchedule(name: string, fireTime: Date, options?: { manual?: boolean }): Promise<Exclude<IngestOutcome, { kind: 'ping' }>>
  rerun(log: DeliveryLog, originalId: string): Promise<Exclude<IngestOutcome, { kind: 'duplicate' }> | RerunRefusal>
}

/** The one path from a trigger to stored, routed deliveries: verify, parse, envelopes, plan, store. */
export function createIngestPipeline(deps: IngestDeps): IngestPipeline {
  return {
    async acceptRequest(sourceName, req) {
      const ruleSet = deps.getRuleSet()
      const resolved = requireSource(ruleSet, sourceName)
      if (resolved.sourceType.scheduled) {
        throw new HookyardError('SOURCE_UNKNOWN', `source ${JSON.stringify(sourceName)} is a schedule: it fires on its own and takes no webhooks`)
      }
      const receivedAt = new Date()
      const eventId = createEventId(receivedAt)
      const log = sourceLogger(deps.logger, resolved.source.name)
      // a refusal (unknown source, failed verification, unreadable body) is logged where it becomes a status
      resolved.sourceType.verify(req, resolved.source, receivedAt)
      const { parsed, envelopes } = readEvent(resolved, req, receivedAt)
      if (parsed.ping) {
        log.info({ event_id: eventId, event: parsed.event }, 'ping answered')
        return { kind: 'ping', eventId, event: parsed.event }
      }
      const plan = await routeEvent({ eventId, ruleSet, envelopes, userAgent: deps.userAgent, publicUrl: deps.publicUrl })
      const record = eventRecord({
        eventId,
        source: resolved.source,
        event: parsed.event,
        envelopes,
        plan,
        receivedAt,
        ruleSet,
        stored: { method: req.method, headers: redactHeaders(req.headers), query: redactQuery(req.query) },
      })
      const senderDelivery = record.delivery
      const { duplicateOf } = await storeOrUnavailable(() => deps.producer.store(record, req.rawBody, plan.deliveries, ruleSet, dedupKey(senderDelivery)))
      if (duplicateOf !== null) {
        log.info({ event_id: duplicateOf, event: parsed.event, sender_delivery: senderDelivery }, 'duplicate ignored')
        return { kind: 'duplicate', eventId: duplicateOf }
      }
      log.info(
        {
          event_id: eventId,
          event: parsed.event,
          sender_delivery: senderDelivery,
          deliveries: plan.deliveries.length,
          matched: plan.routes.filter((r) => r.status === 'matched').map((r) => r.route),
        },
        'event accepted'
      )
      return { kind: 'stored', eventId, plan }
    },

    async fireSchedule(name, fireTime, options = {}) {
      const ruleSet = deps.getRuleSet()
      const resolved = findSource(ruleSet, name)
      if (!resolved?.sourceType.scheduled) {
        throw new HookyardError('SOURCE_UNKNOWN', `no schedule named ${JSON.stringify(name)}`)
      }
      const manual = options.manual === true
      const deliveryId = scheduleDeliveryId(name, fireTime, manual)
      const req = scheduleRequest(resolved.source, fireTime, deliveryId)
      const receivedAt = new Date()
      const eventId = createEventId(receivedAt)
      const { parsed, envelopes } = readEvent(resolved, req, receivedAt)
      const plan = await routeEvent({ eventId, ruleSet, envelopes, userAgent: deps.userAgent, publicUrl: deps.publicUrl })
      const record = eventRecord({ eventId, source: resolved.source, event: parsed.event, envelopes, plan, receivedAt, ruleSet, stored: { method: req.method, headers: req.headers, query: req.query } })
      // a tick may be fired late (a missed tick, up to a day): the claim must outlive that
      const dedup = manual ? undefined : dedupKey(deliveryId)
      const { duplicateOf } = await storeOrUnavailable(() => deps.producer.store(record, req.rawBody, plan.deliveries, ruleSet, dedup, SCHEDULE_DEDUP_WINDOW_MS))
      if (duplicateOf !== null) {
        return { kind: 'duplicate', eventId: duplicateOf }
      }
      sourceLogger(deps.logger, name).info(
        { event_id: eventId, event: parsed.event, sender_delivery: deliveryId, deliveries: plan.deliveries.length, matched: plan.routes.filter((r) => r.status === 'matched').map((r) => r.route) },
        manual ? 'schedule run now' : 'schedule fired'
      )
      return { kind: 'stored', eventId, plan }
    },

    async rerun(deliveryLog, originalId) {
      const original = await deliveryLog.getEvent(originalId)
      if (!original) {
        return { kind: 'not_found', message: `no event ${originalId}` }
      }
      const ruleSet = deps.getRuleSet()
      const resolved = findSource(ruleSet, original.source)
      if (!resolved) {
        return { kind: 'refused', code: 'SOURCE_UNKNOWN', message: `source ${original.source} is no longer in the rules` }
      }
      const req = storedInboundRequest(original)
      const receivedAt = new Date()
      let read
      try {
        read = readEvent(resolved, req, receivedAt)
      } catch (err) {
        return { kind: 'refused', code: 'BODY_INVALID', message: (err as Error).message }
      }
      const eventId = createEventId(receivedAt)
      if (read.parsed.ping) {
        return { kind: 'ping', eventId, event: read.parsed.event }
      }
      const plan = await routeEvent({ eventId, ruleSet, envelopes: read.envelopes, userAgent: deps.userAgent, publicUrl: deps.publicUrl })
      const record = eventRecord({
        eventId,
        source: resolved.source,
        event: read.parsed.event,
        envelopes: read.envelopes,
        plan,
        receivedAt,
        ruleSet,
        stored: requestMeta(original.request),
      })
      record.rerun_of = original.id
      await storeOrUnavailable(() => deps.producer.store(record, req.rawBody, plan.deliveries, ruleSet))
      deps.logger.info({ event_id: eventId, rerun_of: original.id, deliveries: plan.deliveries.length }, 'event re-run')
      return { kind: 'stored', eventId, plan }
    },
  }
}

/** The stored inbound request as a source type reads it (signatures are not checked again). */
export function storedInboundRequest(event: EventRecord): InboundRequest {
  return {
    method: event.request.method,
    headers: event.request.headers,
    query: event.request.query,
    rawBody: Buffer.from(event.request.body_base64, 'base64'),
  }
}

function requestMeta({ method, headers, query }: StoredRequest): Omit<StoredRequest, 'body_base64'> {
  return { method, headers, query }
}

/** A tick's dedup claim outlives the oldest missed tick that is still fired. */
const SCHEDULE_DEDUP_WINDOW_MS = MISFIRE_MAX_AGE_MS + 3600_000

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

/**
 * Redis failures become STORE_UNAVAILABLE (503 + Retry-After): the sender should try again. A full
 * Redis (`maxmemory` reached; with `noeviction` it refuses writes with an OOM error) says so.
 */
async function storeOrUnavailable<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step()
  } catch (err) {
    const message = isOutOfMemory(err)
      ? 'the event store (Redis) is out of memory (maxmemory reached) and refuses new events; retry later'
      : 'the event store (Redis) is unavailable; retry later'
    throw new HookyardError('STORE_UNAVAILABLE', message, { cause: err })
  }
}

/** Sender ids are usually GUIDs; anything long or unusual is hashed so it is a safe Redis key part. */
function dedupKey(senderDelivery: string): string {
  return /^[\w.-]{1,128}$/.test(senderDelivery)
    ? senderDelivery
    : createHash('sha256').update(senderDelivery).digest('hex')
}
