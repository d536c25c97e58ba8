import type { Redis } from 'ioredis'
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { Config } from '../config.ts'
import { createDeliveryLog } from '../store/delivery-log.ts'
import type { Partitions } from '../store/partitions.ts'
import type { Logger } from '../logger.ts'
import type { MetricsRecorder } from '../metrics/metrics-recorder.ts'
import { createCooldownStore, type Fold } from '../store/cooldown-store.ts'
import { createDeliveryQueues, type DeliveryQueues } from '../queue/delivery-queue.ts'
import { createDeliveryWorker } from '../queue/delivery-worker.ts'
import { createFlowStore } from '../store/flow-store.ts'
import { startInboxPump, type InboxPump } from '../queue/inbox-pump.ts'
import { createInbox } from '../store/inbox.ts'
import { createStatusReporter } from '../queue/status-reporter.ts'
import type { RuleSet } from '../rules/types.ts'
import type { Closer } from './closer.ts'
import { openWorkerConnections, type RedisServer } from './connections.ts'
import { notifierFor } from './notifier-for.ts'

export interface QueueSideOptions {
  config: Config
  redisServer: RedisServer
  /** every partition's keys */
  keys: Partitions
  rules: () => RuleSet
  /** the longest target timeout at start: sizes the job lock */
  maxTimeoutMs: number
  metrics: MetricsRecorder
  userAgent: string
  logger: Logger
  /** what a failed start must close */
  opened: Closer[]
}

export interface QueueSide {
  connections: Redis[]
  /** the worker's own queues (on its own connection), one per partition */
  workerQueues: DeliveryQueues
  /** one per partition: each moves its partition's inbox into the targets' queues */
  pumps: InboxPump[]
  /** one per partition: each consumes its partition's queue */
  workers: ReturnType<typeof createDeliveryWorker>[]
}

/**
 * Where deliveries go out: the inbox pumps move stored events into the queues, the workers send
 * them. Every partition has a pump and a BullMQ worker of its own; the workers share the
 * non-blocking connection (each holds a blocking one of its own, as BullMQ workers do).
 */
export function startQueueSide(options: QueueSideOptions): QueueSide {
  const { config, keys, rules, metrics, userAgent, logger, opened } = options
  const redis = openWorkerConnections(options.redisServer, keys.count, logger, opened)
  const workerQueues = createDeliveryQueues(redis.worker, keys, logger)
  const log = createDeliveryLog(redis.worker, keys, config.retentionMs)
  // commit statuses of routes with report_to: posted as deliveries through the worker's queues
  const statusReporter = createStatusReporter({
    queues: workerQueues,
    log,
    getRuleSet: rules,
    publicUrl: config.publicUrl,
    userAgent,
    retentionMs: config.retentionMs,
    logger: logger.child({ component: 'status' }),
  })
  // a folded delivery's commits are told which newer delivery covers them (never awaited: folding must not wait on it)
  const foldHooks = {
    onCoalesced: (target: string, fold: Fold) => {
      metrics.coalesced(target)
      void statusReporter.folded(fold.deliveryId, fold.into, 'coalesced')
    },
    onSuperseded: (target: string, fold: Fold) => {
      metrics.superseded(target)
      void statusReporter.folded(fold.deliveryId, fold.into, 'superseded')
    },
  }
  // a cooldown key's state lives in its target's partition; the records it folds in their events'
  const cooldowns = keys.all.map((partition) => createCooldownStore(redis.worker, partition, foldHooks, keys))
  // every partition's inbox has a pump of its own, blocking on its own connection, so an entry in
  // any partition is moved as soon as it is written
  const consumer = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`
  const pumps = keys.all.map((partition, p) =>
    startInboxPump({
      inbox: createInbox(redis.pumps[p]!, partition),
      queueFor: (target) => workerQueues.forTarget(target),
      cooldownsFor: (target) => cooldowns[keys.ofName(target)]!,
      logger: logger.child({ component: 'pump' }),
      consumer,
      retentionMs: config.retentionMs,
    })
  )
  opened.push(() => workerQueues.close(), () => Promise.all(pumps.map((pump) => pump.stop())))
  const flow = createFlowStore(redis.worker, keys)
  const notifier = notifierFor(workerQueues, { config, rules, userAgent, logger })
  const workers = keys.all.map((partition, p) => createDeliveryWorker({
    connection: redis.worker,
    prefix: partition.prefix,
    log,
    cooldowns: cooldowns[p]!,
    flow,
    flowControl: (target) => rules().targets.get(target)?.flow,
    queue: workerQueues.all[p]!,
    notifier,
    logger: logger.child({ component: 'worker' }),
    concurrency: config.workerConcurrency,
    secretValues: () => rules().secretValues,
    maxTimeoutMs: options.maxTimeoutMs,
    metrics,
    // the target as the rules define it now: a rotated signing secret applies to queued deliveries too
    signRequest: (target, request, deliveryId) => {
      const t = rules().targets.get(target)
      const moment = { id: deliveryId, timestampSeconds: Math.floor(Date.now() / 1000) }
      return t?.preset.signAttempt?.(request, t.options, moment) ?? request
    },
    buildReader: (target) => {
      const preset = rules().targets.get(target)?.preset
      return preset?.readBuildReference && ((response) => preset.readBuildReference?.(response))
    },
    statusReporter,
  }))
  opened.push(() => Promise.all(workers.map((worker) => worker.close(true))))
  return { connections: [redis.worker, ...redis.pumps], workerQueues, pumps, workers }
}
