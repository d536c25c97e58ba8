import type { Queue } from 'bullmq'
import type { DeliveryLog } from '../delivery-log/delivery-log.ts'
import type { DeliveryRecord, EventRecord } from '../delivery-log/records.ts'
import type { PlannedDelivery } from '../routing/plan-deliveries.ts'
import type { RuleSet, TargetDefinition } from '../rules/types.ts'
import { hashCooldownKey, type CooldownStore } from './cooldown-store.ts'
import { BACKOFF_TYPE, COOLDOWN_JOB, DELIVER_JOB, type QueueJobData } from './delivery-job.ts'

export interface Producer {
  claim(source: string, deliveryKey: string, eventId: string): ReturnType<DeliveryLog['claimEvent']>
  /** Stores the event and its deliveries, queues the deliverable ones; resolves only once Redis has them. */
  store(event: EventRecord, planned: readonly PlannedDelivery[], ruleSet: RuleSet): Promise<void>
}

export interface ProducerOptions {
  queue: Queue<QueueJobData>
  log: DeliveryLog
  cooldowns: CooldownStore
  dedupWindowMs: number
  retentionMs: number
}

interface Deliverable {
  planned: PlannedDelivery & { request: NonNullable<PlannedDelivery['request']> }
  target: TargetDefinition
}

export function createProducer(options: ProducerOptions): Producer {
  const { queue, log, cooldowns, dedupWindowMs, retentionMs } = options
  const keepSeconds = Math.ceil(retentionMs / 1000)
  const jobOptions = (target: TargetDefinition) => ({
    attempts: target.retry.attempts,
    backoff: { type: BACKOFF_TYPE },
    removeOnComplete: { age: keepSeconds, count: 10_000 },
    removeOnFail: { age: keepSeconds },
  })

  return {
    claim: (source, deliveryKey, eventId) => log.claimEvent(source, deliveryKey, eventId, dedupWindowMs),

    async store(event, planned, ruleSet) {
      const deliverable = planned.flatMap((p): Deliverable[] => {
        const target = ruleSet.targets.get(p.target)
        return p.request && target ? [{ planned: { ...p, request: p.request }, target }] : []
      })
      const direct = deliverable.filter((d) => d.planned.cooldownKey === null)
      const cooling = deliverable.filter((d) => d.planned.cooldownKey !== null)
      await Promise.all([
        log.writeEvent(event, planned.map((p) => toRecord(p, event, ruleSet))),
        direct.length > 0 &&
          queue.addBulk(
            direct.map(({ planned: p, target }) => ({
              name: DELIVER_JOB,
              data: { id: p.id, event: event.id, route: p.route, target: p.target, request: p.request, timeoutMs: target.timeoutMs, retry: target.retry },
              // deterministic job ids make a resumed (retried) ingest idempotent
              opts: { jobId: p.id, ...jobOptions(target) },
            }))
          ),
      ])
      // the coalescing state is written before the wake-up job is added, never after (lost wake-up)
      for (const { planned: p, target } of cooling) {
        const cooldownKey = p.cooldownKey ?? target.name
        const keyHash = hashCooldownKey(cooldownKey)
        const gateTtlMs = await cooldowns.record(keyHash, cooldownKey, p.id)
        await queue.add(
          COOLDOWN_JOB,
          { keyHash, cooldownKey, target: target.name, cooldownMs: target.cooldownMs, timeoutMs: target.timeoutMs, retry: target.retry },
          { deduplication: { id: `cooldown-${keyHash}` }, delay: Math.max(0, gateTtlMs), ...jobOptions(target) }
        )
      }
      await log.markAccepted(event.id)
    },
  }
}

function toRecord(p: PlannedDelivery, event: EventRecord, ruleSet: RuleSet): DeliveryRecord {
  const target = ruleSet.targets.get(p.target)
  return {
    id: p.id,
    event: event.id,
    route: p.route,
    target: p.target,
    status: p.request ? 'queued' : 'failed',
    created_at: event.received_at,
    updated_at: event.received_at,
    rules_version: ruleSet.version,
    attempts_made: 0,
    max_attempts: target?.retry.attempts ?? 0,
    request: p.request,
    error: p.error,
    cooldown_key: p.cooldownKey,
  }
}
