import { createHash } from 'node:crypto'
import type { DeliveryLog } from '../store/delivery-log.ts'
import type { RequestMeta } from '../store/records.ts'
import { HookyardError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import type { RoutingResult } from '../routing/plan-deliveries.ts'
import type { RuleSet } from '../rules/types.ts'
import { redactHeaders, redactQuery } from '../secret-masking.ts'
import { MISFIRE_MAX_AGE_MS, scheduleDeliveryId, scheduleRequest } from '../sources/schedule.ts'
import type { InboundRequest } from '../sources/types.ts'
import type { InboundTrigger, RerunRefusal, RerunTrigger, ScheduleTrigger, WebhookTrigger } from './inbound-trigger.ts'
import { findSource, requireSource, storedInboundRequest, type ResolvedSource } from './route-event.ts'
import { sourceLogger } from './source-logger.ts'

/** What one trigger is: everything the shared ingest steps treat differently per kind, said once. */
export interface TriggerProfile {
  resolved: ResolvedSource
  /** the request as its source type reads it */
  request: InboundRequest
  /** checked against the source's secret: only a live webhook (a tick is made here; a stored event was checked when it came in) */
  verify: boolean
  /** a body that no longer parses is answered as a refusal (409) rather than thrown */
  refuseUnreadable: boolean
  /** the request as the event keeps it */
  requestMeta: RequestMeta
  /** the claim that makes a repeat of `delivery` (the event's delivery id) a duplicate; null: none */
  dedupClaim(delivery: string): DedupClaim | null
  rerunOf: string | null
  /** a schedule's tick or manual run: recorded as the schedule's last fire with the event (fireTime null: manual) */
  scheduleFire?: { name: string; fireTime: Date | null }
  log: TriggerLog
}

export interface DedupClaim {
  key: string
  /** how long the claim holds; absent: DEDUP_WINDOW */
  windowMs?: number
}

export interface RoutedFacts {
  eventId: string
  event: string
  delivery: string
  plan: RoutingResult
}

/** The line each end of a trigger is logged with; an absent one is not logged for that kind. */
export interface TriggerLog {
  stored(facts: RoutedFacts): void
  /** `eventId` is the original event's */
  duplicate?(facts: Omit<RoutedFacts, 'plan'>): void
  ping?(facts: { eventId: string; event: string }): void
}

export interface DescribeContext {
  ruleSet: RuleSet
  /** the pipeline's logger (per-source children are made from it) */
  logger: Logger
  deliveryLog: Pick<DeliveryLog, 'getEvent'>
}

/**
 * Resolves a trigger's source and request and says how it is verified, deduplicated, kept and
 * logged. Webhooks and ticks naming no fitting source throw; re-runs answer with a refusal.
 * @throws HookyardError SOURCE_UNKNOWN
 */
export async function describeTrigger(trigger: InboundTrigger, ctx: DescribeContext): Promise<TriggerProfile | RerunRefusal> {
  switch (trigger.kind) {
    case 'webhook':
      return describeWebhook(trigger, ctx)
    case 'schedule':
      return describeTick(trigger, ctx)
    case 'rerun':
      return describeRerun(trigger, ctx)
  }
}

function describeWebhook({ source, request }: WebhookTrigger, { ruleSet, logger }: DescribeContext): TriggerProfile {
  const resolved = requireSource(ruleSet, source)
  if (resolved.sourceType.scheduled) {
    throw new HookyardError('SOURCE_UNKNOWN', `source ${JSON.stringify(source)} is a schedule: it fires on its own and takes no webhooks`)
  }
  const log = sourceLogger(logger, resolved.source.name)
  return {
    resolved,
    request,
    verify: true,
    refuseUnreadable: false,
    // shared tokens in headers and query are masked before anything is kept
    requestMeta: { method: request.method, headers: redactHeaders(request.headers), query: redactQuery(request.query) },
    dedupClaim: (delivery) => ({ key: dedupKey(delivery) }),
    rerunOf: null,
    log: {
      stored: (facts) => log.info(routedFields(facts), 'event accepted'),
      duplicate: ({ eventId, event, delivery }) => log.info({ event_id: eventId, event, sender_delivery: delivery }, 'duplicate ignored'),
      ping: ({ eventId, event }) => log.info({ event_id: eventId, event }, 'ping answered'),
    },
  }
}

function describeTick({ name, fireTime, manual }: ScheduleTrigger, { ruleSet, logger }: DescribeContext): TriggerProfile {
  const resolved = findSource(ruleSet, name)
  if (!resolved?.sourceType.scheduled) {
    throw new HookyardError('SOURCE_UNKNOWN', `no schedule named ${JSON.stringify(name)}`)
  }
  const deliveryId = scheduleDeliveryId(name, fireTime, manual)
  const request = scheduleRequest(resolved.source, fireTime, deliveryId)
  const log = sourceLogger(logger, name)
  return {
    resolved,
    request,
    verify: false,
    refuseUnreadable: false,
    requestMeta: { method: request.method, headers: request.headers, query: request.query },
    // every worker fires every tick: the claim lets one store it, and outlives a late (missed) tick
    dedupClaim: () => (manual ? null : { key: dedupKey(deliveryId), windowMs: SCHEDULE_DEDUP_WINDOW_MS }),
    rerunOf: null,
    scheduleFire: { name, fireTime: manual ? null : fireTime },
    // another process stored the tick: nothing to say
    log: { stored: (facts) => log.info(routedFields(facts), manual ? 'schedule run now' : 'schedule fired') },
  }
}

/** No dedup claim (the point is to run it again) and no signature check (the original was verified, and shared tokens were masked when it was stored). */
async function describeRerun({ eventId }: RerunTrigger, { ruleSet, logger, deliveryLog }: DescribeContext): Promise<TriggerProfile | RerunRefusal> {
  const original = await deliveryLog.getEvent(eventId)
  if (!original) {
    return { kind: 'not_found', message: `no event ${eventId}` }
  }
  const resolved = findSource(ruleSet, original.source)
  if (!resolved) {
    return { kind: 'refused', code: 'SOURCE_UNKNOWN', message: `source ${original.source} is no longer in the rules` }
  }
  const { method, headers, query } = original.request
  return {
    resolved,
    request: storedInboundRequest(original),
    verify: false,
    refuseUnreadable: true,
    requestMeta: { method, headers, query },
    dedupClaim: () => null,
    rerunOf: original.id,
    log: {
      stored: ({ eventId: newId, plan }) => logger.info({ event_id: newId, rerun_of: original.id, deliveries: plan.deliveries.length }, 'event re-run'),
    },
  }
}

function routedFields({ eventId, event, delivery, plan }: RoutedFacts): Record<string, unknown> {
  return {
    event_id: eventId,
    event,
    sender_delivery: delivery,
    deliveries: plan.deliveries.length,
    matched: plan.routes.filter((r) => r.status === 'matched').map((r) => r.route),
  }
}

/** A tick's dedup claim outlives the oldest missed tick that is still fired. */
const SCHEDULE_DEDUP_WINDOW_MS = MISFIRE_MAX_AGE_MS + 3600_000

/** Sender ids are usually GUIDs; anything long or unusual is hashed so it is a safe Redis key part. */
function dedupKey(senderDelivery: string): string {
  return /^[\w.-]{1,128}$/.test(senderDelivery)
    ? senderDelivery
    : createHash('sha256').update(senderDelivery).digest('hex')
}
