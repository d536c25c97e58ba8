import type { Redis } from 'ioredis'
import { randomBytes } from 'node:crypto'
import type { Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Config } from '../config.ts'
import { createDeliveryLog } from '../store/delivery-log.ts'
import { createLogReader } from '../store/log-reader.ts'
import { createApp } from '../http/create-app.ts'
import { listenHttp } from '../http/listen-http.ts'
import type { Logger } from '../logger.ts'
import type { Metrics } from '../metrics/create-metrics.ts'
import { createReplayer } from '../queue/replay.ts'
import type { RulesStatus } from '../reload/create-rules-reloader.ts'
import type { RuleSet } from '../rules/types.ts'
import type { ScheduleState } from '../store/schedule-state.ts'
import { redisReadiness } from './redis-readiness.ts'
import type { IngestSide } from './start-ingest-side.ts'

export interface HttpOptions {
  config: Config
  redis: Redis
  rules: () => RuleSet
  rulesStatus: () => RulesStatus
  ingest: IngestSide
  schedules: ScheduleState
  metrics: Metrics
  userAgent: string
  logger: Logger
}

export interface Http {
  server: HttpServer
  port: number
  /** the admin API's bearer token: HOOKYARD_ADMIN_TOKEN, or one generated at start */
  adminToken: string
  /** from now on new requests are answered as during shutdown */
  markClosing(): void
}

/** The HTTP server: ingest and the admin API (not in a worker-role process), health and metrics. */
export async function startHttp(options: HttpOptions): Promise<Http> {
  const { config, redis, rules, ingest, metrics, userAgent, logger } = options
  // never logged: `serve` prints it once, in the dashboard URL, when it was generated here
  const adminToken = config.adminToken ?? randomBytes(24).toString('base64url')
  const deliveryLog = createDeliveryLog(redis, ingest.keys, config.retentionMs)
  let closing = false
  const app = createApp({
    ingest: config.role === 'worker' ? null : { pipeline: ingest.pipelineFor('ingest'), getRuleSet: rules },
    admin:
      config.role === 'worker'
        ? null
        : {
            token: adminToken,
            getRuleSet: rules,
            log: deliveryLog,
            reader: createLogReader(redis, ingest.keys),
            replayer: createReplayer({ queues: ingest.queues, log: deliveryLog, getRuleSet: rules, retentionMs: config.retentionMs }),
            pipeline: ingest.pipelineFor('admin'),
            queueCounts: () => ingest.queues.counts(),
            flow: ingest.flow,
            notifier: ingest.notifier,
            logger: logger.child({ component: 'admin' }),
            schedules: options.schedules,
            metrics,
            userAgent,
          },
    logger,
    maxBodyBytes: config.maxBodyBytes,
    metrics,
    isClosing: () => closing,
    readiness: async () => {
      const redisState = await redisReadiness(redis, config.redis, ingest.keys.all.map((k) => k.prefix), ingest.memory, config.redisWait)
      return {
        ready: redisState.status === 'ok',
        details: { redis: redisState.status, redis_deployment: redisState.deployment, rules_version: rules().version, rules: options.rulesStatus() },
      }
    },
  })
  const server = await listenHttp(app.fetch, { port: config.port, hostname: config.host, limits: config.http, logger })
  const port = (server.address() as AddressInfo).port
  logger.info({ port, host: config.host, role: config.role }, 'hookyard listening')
  const markClosing = (): void => {
    closing = true
  }
  return { server, port, adminToken, markClosing }
}
