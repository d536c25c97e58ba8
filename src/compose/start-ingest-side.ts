import type { Redis } from 'ioredis'
import type { Config } from '../config.ts'
import { createEventWriter, type StorageLimits } from '../store/accept-event.ts'
import { createDeliveryLog } from '../store/delivery-log.ts'
import { createPartitions, type Partitions } from '../store/partitions.ts'
import { startRetentionSweep, type RetentionSweep } from '../store/sweep-retention.ts'
import { createIngestPipeline, type IngestPipeline } from '../ingest/ingest-pipeline.ts'
import type { Logger } from '../logger.ts'
import { createDeliveryQueues, type DeliveryQueues } from '../queue/delivery-queue.ts'
import { createFlowStore, type FlowStore } from '../store/flow-store.ts'
import type { Notifier } from '../queue/notifier.ts'
import { createProducer, type Producer } from '../queue/producer.ts'
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
  /** every partition's keys (REDIS_PARTITIONS) */
  keys: Partitions
  /** the producer's queues: replays, notifications and queue counts go through them */
  queues: DeliveryQueues
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
  const keys = createPartitions(config.redisPrefix, config.redisPartitions)
  const queues = createDeliveryQueues(redis, keys, logger)
  opened.push(() => queues.close())
  const flow = createFlowStore(redis, keys)
  const notifier = notifierFor(queues, { config, rules, userAgent, logger })
  const limits: StorageLimits = { retentionMs: config.retentionMs, retentionCount: config.retentionCount, dedupMax: config.dedupMax }
  const writer = createEventWriter(redis, keys, limits, config.redisWait)
  const memory = createMemoryWatch()
  const producer = createProducer({ writer: { accept: (input) => memory.observe(writer.accept(input)) }, dedupWindowMs: config.dedupWindowMs })
  // records written under an older, longer RETENTION (or a larger RETENTION_COUNT) follow the current one
  const sweep = startRetentionSweep({ redis, keys, limits, logger: logger.child({ component: 'retention' }) })
  opened.push(() => sweep.stop())
  // re-runs read the event they start from
  const deliveryLog = createDeliveryLog(redis, keys, config.retentionMs)
  const pipelineFor = (component: string): IngestPipeline =>
    createIngestPipeline({ getRuleSet: rules, producer, deliveryLog, logger: logger.child({ component }), userAgent, publicUrl: config.publicUrl, partitions: keys })
  return { keys, queues, flow, notifier, memory, producer, sweep, pipelineFor }
}
