import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Logger } from '../logger.ts'
import { createRateLimitedLog } from '../rate-limited-log.ts'
import { DELIVERY_QUEUE, type QueueJobData } from './delivery-job.ts'
import type { Keys } from '../store/keys.ts'

export type DeliveryQueue = Queue<QueueJobData>

/** The BullMQ queue deliveries go through, under the shared key prefix. */
export function createDeliveryQueue(connection: Redis, keys: Keys, logger: Logger): DeliveryQueue {
  const queue = new Queue<QueueJobData>(DELIVERY_QUEUE, { connection, prefix: keys.prefix })
  // during a Redis outage every reconnect attempt fails: counted, not written one by one
  const errors = createRateLimitedLog({ logger, level: 'warn', message: 'queue error' })
  queue.on('error', (err) => errors.failed({ err: err.message }))
  return queue
}
