import type { DeliveryLog } from '../store/delivery-log.ts'
import { HookyardError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import type { Producer } from '../queue/producer.ts'
import { isOutOfMemory } from '../redis-memory.ts'
import { ReplicaWaitError } from '../store/replica-wait.ts'
import type { RuleSet } from '../rules/types.ts'
import { describeTrigger, type TriggerProfile } from './describe-trigger.ts'
import { createEventId } from './event-id.ts'
import type { InboundTrigger, IngestOutcome, OutcomeByKind, RerunRefusal } from './inbound-trigger.ts'
import { dedupAffinity } from '../store/partitions.ts'
import { eventRecord, readEvent, routeEvent, type ReadEvent } from './route-event.ts'

export interface IngestDeps {
  getRuleSet: () => RuleSet
  producer: Producer
  /** where a re-run reads the event it starts from */
  deliveryLog: Pick<DeliveryLog, 'getEvent'>
  logger: Logger
  userAgent: string
  /** HOOKYARD_PUBLIC_URL, for the dashboard links of commit statuses; absent: none */
  publicUrl?: string | null | undefined
  /** the store's partitions (REDIS_PARTITIONS); absent: one */
  partitions?: EventPartitions | undefined
}

/** Which partition an event is stored in (store/partitions.ts). */
export interface EventPartitions {
  count: number
  ofName(name: string): number
}

export interface IngestPipeline {
  /**
   * Verifies (webhooks only), reads, routes and durably stores one trigger. Resolves only once
   * Redis holds the event and its deliveries, so nothing acknowledged can still be lost.
   * @throws HookyardError SOURCE_UNKNOWN (webhook, schedule), SIGNATURE_* (webhook), BODY_INVALID
   *   (webhook, schedule; a re-run answers `refused` instead), STORE_UNAVAILABLE (all)
   */
  ingest<T extends InboundTrigger>(trigger: T): Promise<OutcomeByKind[T['kind']]>
}

/** The one path from a trigger to stored, routed deliveries: verify, parse, envelopes, plan, store. */
export function createIngestPipeline(deps: IngestDeps): IngestPipeline {
  const partitions = deps.partitions ?? { count: 1, ofName: () => 0 }
  let turn = 0
  /**
   * A repeat must meet its original's dedup claim, so an event with a sender delivery id goes to
   * the partition of its claim, a schedule's event to its schedule's (where its last fire is
   * kept); any other event takes the next partition in turn.
   */
  const partitionFor = (described: Pick<TriggerProfile, 'scheduleFire' | 'dedupClaim'>, source: string, sender: string | undefined): number => {
    if (partitions.count === 1) return 0
    if (described.scheduleFire) return partitions.ofName(described.scheduleFire.name)
    const claim = sender === undefined ? null : described.dedupClaim(sender)
    if (claim) return partitions.ofName(dedupAffinity(source, claim.key))
    turn = (turn + 1) % partitions.count
    return turn
  }
  const ingest = async (trigger: InboundTrigger): Promise<IngestOutcome | RerunRefusal> => {
    const ruleSet = deps.getRuleSet()
    const described = await describeTrigger(trigger, { ruleSet, logger: deps.logger, deliveryLog: deps.deliveryLog })
    if ('kind' in described) return described // a re-run refused before it started
    const { resolved, request, log } = described
    const receivedAt = new Date()
    // a refusal (failed verification, unreadable body) is logged where it becomes a status
    if (described.verify) resolved.sourceType.verify(request, resolved.source, receivedAt)
    let read: ReadEvent
    try {
      read = readEvent(resolved, request, receivedAt)
    } catch (err) {
      if (!described.refuseUnreadable) throw err
      return { kind: 'refused', code: 'BODY_INVALID', message: (err as Error).message }
    }
    const { parsed, envelopes } = read
    const eventId = createEventId(receivedAt, partitionFor(described, resolved.source.name, envelopes[0]?.delivery), partitions.count)
    if (parsed.ping) {
      log.ping?.({ eventId, event: parsed.event })
      return { kind: 'ping', eventId, event: parsed.event }
    }
    const plan = await routeEvent({ eventId, ruleSet, envelopes, userAgent: deps.userAgent, publicUrl: deps.publicUrl })
    const record = eventRecord({ eventId, source: resolved.source, event: parsed.event, envelopes, plan, receivedAt, ruleSet, stored: described.requestMeta, rerunOf: described.rerunOf })
    const claim = described.dedupClaim(record.delivery)
    const { duplicateOf } = await storeOrUnavailable(() => deps.producer.store(record, request.rawBody, plan.deliveries, ruleSet, { dedupKey: claim?.key, dedupWindowMs: claim?.windowMs, scheduleFire: described.scheduleFire }))
    if (duplicateOf !== null) {
      log.duplicate?.({ eventId: duplicateOf, event: parsed.event, delivery: record.delivery })
      return { kind: 'duplicate', eventId: duplicateOf }
    }
    log.stored({ eventId, event: parsed.event, delivery: record.delivery, plan })
    return { kind: 'stored', eventId, plan }
  }
  // which outcomes a kind can reach is decided by its profile (OutcomeByKind says so), not by types here
  return { ingest: ingest as IngestPipeline['ingest'] }
}

/**
 * Redis failures become STORE_UNAVAILABLE (503 + Retry-After): the sender should try again. A full
 * Redis (`maxmemory` reached; with `noeviction` it refuses writes with an OOM error) says so, and
 * so does a write too few replicas confirmed (REDIS_WAIT_REPLICAS).
 */
async function storeOrUnavailable<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step()
  } catch (err) {
    const message = isOutOfMemory(err)
      ? 'the event store (Redis) is out of memory (maxmemory reached) and refuses new events; retry later'
      : err instanceof ReplicaWaitError
        ? 'the event store (Redis) did not confirm the event on enough replicas in time; retry later'
        : 'the event store (Redis) is unavailable; retry later'
    throw new HookyardError('STORE_UNAVAILABLE', message, { cause: err })
  }
}
