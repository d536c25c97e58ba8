import type { Redis } from 'ioredis'
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { Config } from '../config.ts'
import { createDeliveryLog } from '../store/delivery-log.ts'
import type { Keys } from '../store/keys.ts'
import type { Logger } from '../logger.ts'
import type { MetricsRecorder } from '../metrics/metrics-recorder.ts'
import { createCooldownStore } from '../store/cooldown-store.ts'
import { createDeliveryQueue, type DeliveryQueue } from '../queue/delivery-queue.ts'
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
  keys: Keys
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
  /** the worker's own queue (on its own connection) */
  workerQueue: DeliveryQueue
  pump: InboxPump
  worker: ReturnType<typeof createDeliveryWorker>
}

/** Where deliveries go out: the inbox pump moves stored events into the queue, the worker sends them. */
export function startQueueSide(options: QueueSideOptions): QueueSide {
  const { config, keys, rules, metrics, userAgent, logger, opened } = options
  const redis = openWorkerConnections(options.redisServer, logger, opened)
  const workerQueue = createDeliveryQueue(redis.worker, keys, logger)
  // commit statuses of routes with report_to: posted as deliveries through the worker's queue
  const statusReporter = createStatusReporter({
    queue: workerQueue,
    log: createDeliveryLog(redis.worker, keys, config.retentionMs),
    getRuleSet: rules,
    publicUrl: config.publicUrl,
    userAgent,
    retentionMs: config.retentionMs,
    logger: logger.child({ component: 'status' }),
  })
  // a folded delivery's commits are told which newer delivery covers them (never awaited: folding must not wait on it)
  const cooldowns = createCooldownStore(redis.worker, keys, {
    onCoalesced: (target, fold) => {
      metrics.coalesced(target)
      void statusReporter.folded(fold.deliveryId, fold.into, 'coalesced')
    },
    onSuperseded: (target, fold) => {
      metrics.superseded(target)
      void statusReporter.folded(fold.deliveryId, fold.into, 'superseded')
    },
  })
  const pump = startInboxPump({
    inbox: createInbox(redis.pump, keys),
    queue: workerQueue,
    cooldowns,
    logger: logger.child({ component: 'pump' }),
    consumer: `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`,
    retentionMs: config.retentionMs,
  })
  opened.push(() => workerQueue.close(), () => pump.stop())
  const worker = createDeliveryWorker({
    connection: redis.worker,
    prefix: keys.prefix,
    log: createDeliveryLog(redis.worker, keys, config.retentionMs),
    cooldowns,
    flow: createFlowStore(redis.worker, keys),
    flowControl: (target) => rules().targets.get(target)?.flow,
    queue: workerQueue,
    notifier: notifierFor(workerQueue, { config, rules, userAgent, logger }),
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
  })
  opened.push(() => worker.close(true))
  return { connections: [redis.worker, redis.pump], workerQueue, pump, worker }
}
