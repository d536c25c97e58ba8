import type { Redis } from 'ioredis'
import type { EmbeddedRedis } from '../acquire-embedded-redis.ts'
import type { RetentionSweep } from '../store/sweep-retention.ts'
import type { Logger } from '../logger.ts'
import { stopExpressionThreads } from '../mapping/compile-expression.ts'
import type { DeliveryQueues } from '../queue/delivery-queue.ts'
import type { Scheduler } from '../schedule/scheduler.ts'
import { sleep } from './sleep.ts'
import type { Http } from './start-http.ts'
import type { QueueSide } from './start-queue-side.ts'
import type { ServingRules } from './start-rules-reload.ts'

/** How long shutdown waits for in-flight deliveries before releasing them to another worker. */
const SHUTDOWN_GRACE_MS = 10_000
/** With Redis gone, closing the queue side would wait forever: past this, connections are cut. */
const SHUTDOWN_DEADLINE_MS = 2 * SHUTDOWN_GRACE_MS + 5_000
/** With Redis gone for good there is nothing to wait for. */
const REDIS_LOST_DEADLINE_MS = 1_000

/** What a running hookyard stops, in the order it stops them. */
export interface StopParts {
  logger: Logger
  rules: ServingRules
  sweep: RetentionSweep
  http: Http
  scheduler: Scheduler | null
  /** null in an ingest-role process */
  queueSide: QueueSide | null
  /** the producer's queues */
  queues: DeliveryQueues
  producerRedis: Redis
  embedded: EmbeddedRedis | null
}

/**
 * Graceful: stop accepting, let in-flight deliveries finish (or release them), close Redis.
 * `redisLost`: Redis is gone for good, so waiting for it is pointless: connections are cut at once.
 */
export async function stopHookyard(parts: StopParts, redisLost: boolean): Promise<void> {
  const { logger, queueSide } = parts
  logger.info('shutting down')
  parts.rules.watcher.close()
  parts.sweep.stop()
  await parts.rules.reloader.idle()
  await closeHttp(parts.http)
  const connections = [parts.producerRedis, ...(queueSide?.connections ?? [])]
  const closeQueueSide = async (): Promise<void> => {
    await parts.scheduler?.stop()
    await Promise.all(queueSide?.pumps.map((pump) => pump.stop()) ?? [])
    if (queueSide) await Promise.all(queueSide.workers.map((worker) => closeWorker(worker, logger)))
    await parts.queues.close()
    await queueSide?.workerQueues.close()
    await Promise.all(connections.map((r) => r.quit().catch(() => undefined)))
  }
  const deadline = redisLost ? REDIS_LOST_DEADLINE_MS : SHUTDOWN_DEADLINE_MS
  const finished = await Promise.race([closeQueueSide().then(() => true), sleep(deadline).then(() => false)])
  if (!finished) {
    if (!redisLost) logger.warn('redis unreachable during shutdown; connections cut (unfinished jobs are retried after restart)')
    for (const r of connections) r.disconnect()
  }
  await stopExpressionThreads()
  await parts.embedded?.release()
  logger.info('stopped')
}

async function closeHttp(http: Http): Promise<void> {
  http.markClosing()
  // keep-alive clients under load would hold the server open forever: idle sockets close now,
  // busy ones after their current response (Connection: close), stragglers after the grace period
  const { server } = http
  const closed = new Promise<void>((resolve) => server.close(() => resolve()))
  server.closeIdleConnections()
  const straggler = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS)
  await closed
  clearTimeout(straggler)
}

async function closeWorker(worker: QueueSide['workers'][number], logger: Logger): Promise<void> {
  const closed = worker.close()
  const graceful = await Promise.race([closed.then(() => true), sleep(SHUTDOWN_GRACE_MS).then(() => false)])
  if (!graceful) {
    logger.warn('in-flight deliveries released to other workers')
    await worker.close(true)
  }
}
