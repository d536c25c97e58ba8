import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Logger } from '../logger.ts'
import { createRateLimitedLog } from '../rate-limited-log.ts'
import { DELIVERY_QUEUE, type QueueJobData } from './delivery-job.ts'
import type { Keys } from '../store/keys.ts'
import type { Partitions } from '../store/partitions.ts'

export type DeliveryQueue = Queue<QueueJobData>

/**
 * One BullMQ queue per partition, under the partition's hash tag: a delivery's job goes to its
 * target's partition, where the target's flow and cooldown state live, so a worker's scripts and
 * the job share one slot. With one partition this is the single `{prefix}` queue.
 */
export interface DeliveryQueues {
  readonly all: readonly DeliveryQueue[]
  /** the queue of a target's partition (a notification's: of its `notify:` entry's name) */
  forTarget(target: string): DeliveryQueue
  /** jobs by state, summed over every partition's queue */
  counts(): Promise<Record<string, number>>
  close(): Promise<void>
}

const COUNTED = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const

/** The BullMQ queue of one partition. */
export function createDeliveryQueue(connection: Redis, keys: Keys, logger: Logger): DeliveryQueue {
  const queue = new Queue<QueueJobData>(DELIVERY_QUEUE, { connection, prefix: keys.prefix })
  // during a Redis outage every reconnect attempt fails: counted, not written one by one
  const errors = createRateLimitedLog({ logger, level: 'warn', message: 'queue error' })
  queue.on('error', (err) => errors.failed({ err: err.message }))
  return queue
}

export function createDeliveryQueues(connection: Redis, partitions: Partitions, logger: Logger): DeliveryQueues {
  const all = partitions.all.map((keys) => createDeliveryQueue(connection, keys, logger))
  return {
    all,
    forTarget: (target) => all[partitions.ofName(target)]!,
    async counts() {
      const each = await Promise.all(all.map((q) => q.getJobCounts(...COUNTED)))
      const sum: Record<string, number> = {}
      for (const counts of each) {
        for (const [state, n] of Object.entries(counts)) sum[state] = (sum[state] ?? 0) + n
      }
      return sum
    },
    async close() {
      await Promise.all(all.map((q) => q.close()))
    },
  }
}
