import type { Redis } from 'ioredis'
import type { Config } from '../config.ts'
import { createEventWriter, type StorageLimits } from '../delivery-log/accept-event.ts'
import { createKeys, type Keys } from '../delivery-log/keys.ts'
import { startRetentionSweep, type RetentionSweep } from '../delivery-log/sweep-retention.ts'
import { createIngestPipeline, type IngestPipeline } from '../ingest/ingest-pipeline.ts'
import type { Logger } from '../logger.ts'
import { createDeliveryQueue, type DeliveryQueue } from '../queue/delivery-queue.ts'
import { createFlowStore, type FlowStore } from '../queue/flow-store.ts'
import type { Notifier } from '../queue/notifier.ts'
import { createProducer, type Producer } from '../queue/producer.ts'
import { createQueueKeys, type QueueKeys } from '../queue/queue-keys.ts'
import { createMemoryWatch, type MemoryWatch } from '../redis-memory.ts'
import type { RuleSet } from '../rules/types.ts'
import type { Closer } from './closer.ts'
import { notifierFor } from './notifier-for.ts'

export interface IngestSideOptions {
  config: Config
  redis: Redis
  rules: () => RuleSet
  userAgent: string
  logger: Logger
  /** what a failed start must close */
  opened: Closer[]
}

export interface IngestSide {
  keys: Keys
  queueKeys: QueueKeys
  /** the producer's queue: replays, notifications and queue counts go through it */
  queue: DeliveryQueue
  flow: FlowStore
  notifier: Notifier
  /** a webhook refused because Redis is full makes /readyz say so */
  memory: MemoryWatch
  producer: Producer
  sweep: RetentionSweep
  /** an ingest pipeline whose log lines carry `component` */
  pipelineFor: (component: string) => IngestPipeline
}

/** Where events come in: the producer that stores them, its queue, and the retention sweep. */
export function startIngestSide(options: IngestSideOptions): IngestSide {
  const { config, redis, rules, userAgent, logger, opened } = options
  const keys = createKeys(config.redisPrefix)
  const queueKeys = createQueueKeys(config.redisPrefix)
  const queue = createDeliveryQueue(redis, queueKeys, logger)
  opened.push(() => queue.close())
  const flow = createFlowStore(redis, queueKeys)
  const notifier = notifierFor(queue, { config, rules, userAgent, logger })
  const limits: StorageLimits = { retentionMs: config.retentionMs, retentionCount: config.retentionCount, dedupMax: config.dedupMax }
  const writer = createEventWriter(redis, keys, queueKeys.inbox, limits)
  const memory = createMemoryWatch()
  const producer = createProducer({ writer: { accept: (input) => memory.observe(writer.accept(input)) }, dedupWindowMs: config.dedupWindowMs })
  // records written under an older, longer RETENTION (or a larger RETENTION_COUNT) follow the current one
  const sweep = startRetentionSweep({ redis, keys, limits, logger: logger.child({ component: 'retention' }) })
  opened.push(() => sweep.stop())
  const pipelineFor = (component: string): IngestPipeline =>
    createIngestPipeline({ getRuleSet: rules, producer, logger: logger.child({ component }), userAgent, publicUrl: config.publicUrl })
  return { keys, queueKeys, queue, flow, notifier, memory, producer, sweep, pipelineFor }
}
