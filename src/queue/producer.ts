import type { Queue } from 'bullmq'
import type { DeliveryLog } from '../delivery-log/delivery-log.ts'
import type { DeliveryRecord, EventRecord } from '../delivery-log/records.ts'
import type { PlannedDelivery } from '../routing/plan-deliveries.ts'
import type { RuleSet } from '../rules/types.ts'
import { BACKOFF_TYPE, type DeliveryJobData } from './delivery-job.ts'

export interface Producer {
  claim(source: string, deliveryKey: string, eventId: string): ReturnType<DeliveryLog['claimEvent']>
  /** Stores the event and its deliveries, queues the deliverable ones; resolves only once Redis has them. */
  store(event: EventRecord, planned: readonly PlannedDelivery[], ruleSet: RuleSet): Promise<void>
}

export interface ProducerOptions {
  queue: Queue<DeliveryJobData>
  log: DeliveryLog
  dedupWindowMs: number
  retentionMs: number
}

export function createProducer(options: ProducerOptions): Producer {
  const { queue, log, dedupWindowMs, retentionMs } = options
  const keepSeconds = Math.ceil(retentionMs / 1000)
  return {
    claim: (source, deliveryKey, eventId) => log.claimEvent(source, deliveryKey, eventId, dedupWindowMs),

    async store(event, planned, ruleSet) {
      const records = planned.map((p) => toRecord(p, event, ruleSet))
      const jobs = planned.flatMap((p) => {
        const target = ruleSet.targets.get(p.target)
        if (!p.request || !target) {
          return []
        }
        const data: DeliveryJobData = {
          id: p.id,
          event: event.id,
          route: p.route,
          target: p.target,
          request: p.request,
          timeoutMs: target.timeoutMs,
          retry: target.retry,
        }
        return [
          {
            name: 'deliver',
            data,
            opts: {
              // deterministic job ids make a resumed (retried) ingest idempotent
              jobId: p.id,
              attempts: target.retry.attempts,
              backoff: { type: BACKOFF_TYPE },
              removeOnComplete: { age: keepSeconds, count: 10_000 },
              removeOnFail: { age: keepSeconds },
            },
          },
        ]
      })
      await Promise.all([log.writeEvent(event, records), jobs.length > 0 ? queue.addBulk(jobs) : undefined])
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
  }
}
