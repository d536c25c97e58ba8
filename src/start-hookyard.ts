import { Redis } from 'ioredis'
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { hostname } from 'node:os'
import { join } from 'node:path'
import type { Config } from './config.ts'
import { createDeliveryLog } from './delivery-log/delivery-log.ts'
import { createKeys } from './delivery-log/keys.ts'
import { createLogReader } from './delivery-log/log-reader.ts'
import { acquireEmbeddedRedis, type EmbeddedRedis } from './acquire-embedded-redis.ts'
import { createApp } from './http/create-app.ts'
import { listenHttp } from './http/listen-http.ts'
import { createIngestPipeline } from './ingest/ingest-pipeline.ts'
import type { Logger } from './logger.ts'
import { logConnectionErrors } from './log-connection-errors.ts'
import { createMetrics } from './metrics/create-metrics.ts'
import { createEventWriter, type StorageLimits } from './delivery-log/accept-event.ts'
import { startRetentionSweep } from './delivery-log/sweep-retention.ts'
import { formatBytes, maxmemoryBytes } from './redis-maxmemory.ts'
import { createMemoryWatch, warnIfEvicting } from './redis-memory.ts'
import { createCooldownStore } from './queue/cooldown-store.ts'
import { createFlowStore } from './queue/flow-store.ts'
import { createNotifier, type Notifier } from './queue/notifier.ts'
import { createStatusReporter } from './queue/status-reporter.ts'
import { startInboxPump } from './queue/inbox-pump.ts'
import { createDeliveryQueue, type DeliveryQueue } from './queue/delivery-queue.ts'
import { createDeliveryWorker } from './queue/delivery-worker.ts'
import { createProducer } from './queue/producer.ts'
import { createQueueKeys } from './queue/queue-keys.ts'
import { createReplayer } from './queue/replay.ts'
import { createRulesReloader, type ReloadOutcome, type ReloadTrigger, type RulesStatus } from './reload/create-rules-reloader.ts'
import { watchRulesDir } from './reload/watch-rules-dir.ts'
import { findPlaceholderSecrets } from './rules/find-placeholder-secrets.ts'
import { loadRules, readRuleFiles } from './rules/load-rules.ts'
import { createScheduleState } from './schedule/schedule-state.ts'
import { startScheduler } from './schedule/scheduler.ts'
import type { RuleSet } from './rules/types.ts'
import { stopExpressionThreads } from './mapping/compile-expression.ts'

export interface StartOptions {
  config: Config
  logger: Logger
  /** where `${VAR}` in rule files is read from */
  env: Record<string, string | undefined>
  version: string
  /** hookyard cannot go on (its embedded Redis is gone for good): the caller stops it and exits 1 */
  onFatal?: (err: Error) => void
}

export interface RunningHookyard {
  port: number
  redisUrl: string
  ruleSet: () => RuleSet
  /** loads the rule directory again (also on file change and SIGHUP); a broken set keeps the old one */
  reloadRules(trigger?: ReloadTrigger): Promise<ReloadOutcome>
  rulesStatus(): RulesStatus
  /** the admin API's bearer token: HOOKYARD_ADMIN_TOKEN, or one generated at start */
  adminToken: string
  /**
   * graceful: stop accepting, let in-flight deliveries finish (or release them), close Redis.
   * `redisLost`: Redis is gone for good, so waiting for it is pointless: connections are cut at once.
   */
  stop(options?: { redisLost?: boolean }): Promise<void>
}

/** How long shutdown waits for in-flight deliveries before releasing them to another worker. */
const SHUTDOWN_GRACE_MS = 10_000
/** With Redis gone, closing the queue side would wait forever: past this, connections are cut. */
const SHUTDOWN_DEADLINE_MS = 2 * SHUTDOWN_GRACE_MS + 5_000
/** How long start waits for Redis before giving up (docs/configuration.md). */
const REDIS_CONNECT_TIMEOUT_MS = 30_000
/** A failed start closes what it opened; with Redis unreachable a graceful close could wait forever. */
const FAILED_START_CLOSE_MS = 2_000
/** With Redis gone for good there is nothing to wait for. */
const REDIS_LOST_DEADLINE_MS = 1_000

type Closer = () => unknown

/**
 * The composition root of `hookyard serve`: rules, Redis, queue, worker and HTTP wired together.
 * A failed start closes everything it opened (connections stop reconnecting, the embedded Redis is
 * released), so the process can exit and a supervisor can restart it.
 */
export async function startHookyard(options: StartOptions): Promise<RunningHookyard> {
  const opened: Closer[] = []
  try {
    return await startParts(options, opened)
  } catch (err) {
    for (const close of opened.reverse()) {
      await Promise.race([Promise.resolve().then(close).catch(() => undefined), sleep(FAILED_START_CLOSE_MS)])
    }
    throw err
  }
}

async function startParts(options: StartOptions, opened: Closer[]): Promise<RunningHookyard> {
  const { config, logger } = options
  // every `() => ruleSet` below reads the serving set: a reload swaps this one reference
  let ruleSet = await loadRules(config.rulesDir, { env: options.env })
  logger.info(
    { rules_dir: config.rulesDir, version: ruleSet.version, sources: ruleSet.sources.size, targets: ruleSet.targets.size, routes: ruleSet.routes.length },
    'rules loaded'
  )
  const placeholders = findPlaceholderSecrets((await readRuleFiles(config.rulesDir)).files, options.env)
  if (placeholders.length > 0) {
    const what = placeholders.map((p) => `${p.variables.join(', ')} (${p.file})`).join('; ')
    logger.warn({ placeholders }, `placeholder secrets "change-me" in use, anyone who reads the rule files could call in: set ${what}`)
  }
  const maxTimeoutMs = Math.max(0, ...[...ruleSet.targets.values()].map((t) => t.timeoutMs))
  // a scrape can only happen once the server listens, after `queue` exists
  const metrics = createMetrics({
    queueCounts: () => queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed'),
    flowStates: async () => {
      const names = [...ruleSet.targets.keys()]
      const states = await Promise.all(names.map((t) => flow.state(t)))
      return new Map(names.map((t, i) => [t, states[i]!]))
    },
  })
  // a reload that fails is reported once the queue exists (notifications travel through it)
  let notifier: Notifier | null = null
  const rules = createRulesReloader({
    dir: config.rulesDir,
    env: options.env,
    initial: ruleSet,
    logger: logger.child({ component: 'rules' }),
    metrics,
    onInvalid: (problems) => void notifier?.notify({ type: 'rules_invalid', problems: problems.slice(0, 10), message: `a rules reload failed with ${problems.length} problem(s); the previous rules keep serving` }),
    onSwap: (next) => {
      ruleSet = next
      const longest = Math.max(0, ...[...next.targets.values()].map((t) => t.timeoutMs))
      if (config.role !== 'ingest' && longest > maxTimeoutMs) {
        logger.warn({ timeout_ms: longest, started_with_ms: maxTimeoutMs }, 'a target timeout grew past the job lock set at start; restart workers to apply it safely')
      }
    },
  })
  // watching starts right after the load, so an edit made while Redis starts is not missed
  const watcher = watchRulesDir(config.rulesDir, () => void rules.reload('watch'), { logger })
  opened.push(() => watcher.close(), () => rules.idle())

  let embedded: EmbeddedRedis | null = null
  let redisUrl = config.redisUrl
  if (!redisUrl) {
    const dir = join(config.dataDir, 'redis')
    const lease = await acquireEmbeddedRedis({
      dir,
      logger: logger.child({ component: 'redis' }),
      onLost: (err) => options.onFatal?.(err),
      maxmemoryBytes: maxmemoryBytes(config.embeddedRedisMaxmemory),
    })
    opened.push(() => lease.release())
    embedded = lease
    redisUrl = lease.url
    logger.info(
      { redis_url: redisUrl, data_dir: dir, maxmemory: formatBytes(maxmemoryBytes(config.embeddedRedisMaxmemory)) },
      lease.started
        ? 'embedded redis-server started (set REDIS_URL to use your own Redis)'
        : 'using the embedded redis-server already running for this folder'
    )
  }

  // Ingress fails fast while Redis is down (503 + Retry-After) instead of queueing commands in memory.
  // No auto-pipelining: measured with `npm run bench`, batching the per-event scripts cost more CPU
  // than the writes it saved (about 1,500 vs 1,750 req/s on two cores).
  const producerRedis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, enableAutoPipelining: false })
  logConnectionErrors(producerRedis, logger, 'producer')
  opened.push(() => producerRedis.disconnect())
  await waitForRedis(producerRedis, redisUrl)
  if (!embedded) await warnIfEvicting(producerRedis, logger)

  const keys = createKeys(config.redisPrefix)
  const queueKeys = createQueueKeys(config.redisPrefix)
  const queue = createDeliveryQueue(producerRedis, queueKeys, logger)
  opened.push(() => queue.close())
  const userAgent = `hookyard/${options.version}`
  const flow = createFlowStore(producerRedis, queueKeys)
  const notifierFor = (q: DeliveryQueue): Notifier =>
    createNotifier({ queue: q, getRuleSet: () => ruleSet, publicUrl: config.publicUrl, userAgent, retentionMs: config.retentionMs, logger: logger.child({ component: 'notify' }) })
  notifier = notifierFor(queue)
  const limits: StorageLimits = { retentionMs: config.retentionMs, retentionCount: config.retentionCount, dedupMax: config.dedupMax }
  const writer = createEventWriter(producerRedis, keys, queueKeys.inbox, limits)
  // a webhook refused because Redis is full makes /readyz say so
  const memory = createMemoryWatch()
  const producer = createProducer({ writer: { accept: (input) => memory.observe(writer.accept(input)) }, dedupWindowMs: config.dedupWindowMs })
  // records written under an older, longer RETENTION (or a larger RETENTION_COUNT) follow the current one
  const sweep = startRetentionSweep({ redis: producerRedis, keys, limits, logger: logger.child({ component: 'retention' }) })
  opened.push(() => sweep.stop())

  // Workers (and the inbox pump) use connections that queue commands through a Redis blip instead of failing.
  const workerRedis = config.role === 'ingest' ? null : new Redis(redisUrl, { maxRetriesPerRequest: null })
  const pumpRedis = config.role === 'ingest' ? null : new Redis(redisUrl, { maxRetriesPerRequest: null })
  if (workerRedis) logConnectionErrors(workerRedis, logger, 'worker')
  if (pumpRedis) logConnectionErrors(pumpRedis, logger, 'pump')
  opened.push(() => workerRedis?.disconnect(), () => pumpRedis?.disconnect())
  const workerQueue = workerRedis && createDeliveryQueue(workerRedis, queueKeys, logger)
  // commit statuses of routes with report_to: posted as deliveries through the worker's queue
  const statusReporter =
    workerRedis &&
    workerQueue &&
    createStatusReporter({
      queue: workerQueue,
      log: createDeliveryLog(workerRedis, keys, config.retentionMs),
      getRuleSet: () => ruleSet,
      publicUrl: config.publicUrl,
      userAgent,
      retentionMs: config.retentionMs,
      logger: logger.child({ component: 'status' }),
    })
  // a folded delivery's commits are told which newer delivery covers them (never awaited: folding must not wait on it)
  const workerCooldowns =
    workerRedis &&
    createCooldownStore(workerRedis, queueKeys, keys.delivery(''), {
      onCoalesced: (target, fold) => {
        metrics.coalesced(target)
        void statusReporter?.folded(fold.deliveryId, fold.into, 'coalesced')
      },
      onSuperseded: (target, fold) => {
        metrics.superseded(target)
        void statusReporter?.folded(fold.deliveryId, fold.into, 'superseded')
      },
    })
  const pump =
    pumpRedis && workerQueue && workerCooldowns
      ? startInboxPump({
          redis: pumpRedis,
          queue: workerQueue,
          cooldowns: workerCooldowns,
          keys: queueKeys,
          logger: logger.child({ component: 'pump' }),
          consumer: `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`,
          retentionMs: config.retentionMs,
        })
      : null
  opened.push(() => workerQueue?.close(), () => pump?.stop())
  const worker = workerRedis && workerCooldowns && workerQueue
    ? createDeliveryWorker({
        connection: workerRedis,
        prefix: queueKeys.prefix,
        log: createDeliveryLog(workerRedis, keys, config.retentionMs),
        cooldowns: workerCooldowns,
        flow: createFlowStore(workerRedis, queueKeys),
        flowControl: (target) => ruleSet.targets.get(target)?.flow,
        queue: workerQueue,
        notifier: notifierFor(workerQueue),
        logger: logger.child({ component: 'worker' }),
        concurrency: config.workerConcurrency,
        secretValues: () => ruleSet.secretValues,
        maxTimeoutMs,
        metrics,
        // the target as the rules define it now: a rotated signing secret applies to queued deliveries too
        signRequest: (target, request, deliveryId) => {
          const t = ruleSet.targets.get(target)
          const moment = { id: deliveryId, timestampSeconds: Math.floor(Date.now() / 1000) }
          return t?.preset.signAttempt?.(request, t.options, moment) ?? request
        },
        buildReader: (target) => {
          const preset = ruleSet.targets.get(target)?.preset
          return preset?.readBuildReference && ((response) => preset.readBuildReference?.(response))
        },
        statusReporter: statusReporter ?? undefined,
      })
    : null

  opened.push(() => worker?.close(true))

  // never logged: `serve` prints it once, in the dashboard URL, when it was generated here
  const adminToken = config.adminToken ?? randomBytes(24).toString('base64url')
  const deliveryLog = createDeliveryLog(producerRedis, keys, config.retentionMs)
  let closing = false
  const scheduleState = createScheduleState(producerRedis, queueKeys.prefix)
  // worker-role processes fire schedules; the tick's dedup claim keeps it to one event across them
  const scheduler =
    config.role === 'ingest'
      ? null
      : startScheduler({
          getRuleSet: () => ruleSet,
          pipeline: createIngestPipeline({ getRuleSet: () => ruleSet, producer, logger: logger.child({ component: 'schedule' }), userAgent, publicUrl: config.publicUrl }),
          state: scheduleState,
          logger: logger.child({ component: 'schedule' }),
          metrics,
        })
  opened.push(() => scheduler?.stop())
  const app = createApp({
    ingest:
      config.role === 'worker'
        ? null
        : { pipeline: createIngestPipeline({ getRuleSet: () => ruleSet, producer, logger: logger.child({ component: 'ingest' }), userAgent, publicUrl: config.publicUrl }), getRuleSet: () => ruleSet },
    admin:
      config.role === 'worker'
        ? null
        : {
            token: adminToken,
            getRuleSet: () => ruleSet,
            log: deliveryLog,
            reader: createLogReader(producerRedis, keys),
            replayer: createReplayer({ queue, log: deliveryLog, getRuleSet: () => ruleSet, retentionMs: config.retentionMs }),
            pipeline: createIngestPipeline({ getRuleSet: () => ruleSet, producer, logger: logger.child({ component: 'admin' }), userAgent, publicUrl: config.publicUrl }),
            queueCounts: () => queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed'),
            flow,
            notifier,
            logger: logger.child({ component: 'admin' }),
            schedules: scheduleState,
            metrics,
            userAgent,
          },
    logger,
    maxBodyBytes: config.maxBodyBytes,
    metrics,
    isClosing: () => closing,
    readiness: async () => {
      const redis = await memory.readiness(producerRedis)
      return { ready: redis === 'ok', details: { redis, rules_version: ruleSet.version, rules: rules.status() } }
    },
  })
  const server = await listenHttp(app.fetch, { port: config.port, hostname: config.host, limits: config.http, logger })
  const port = (server.address() as AddressInfo).port
  logger.info({ port, host: config.host, role: config.role }, 'hookyard listening')

  let stopping: Promise<void> | null = null
  const stop = async (redisLost: boolean): Promise<void> => {
    logger.info('shutting down')
    watcher.close()
    sweep.stop()
    await rules.idle()
    closing = true
    // keep-alive clients under load would hold the server open forever: idle sockets close now,
    // busy ones after their current response (Connection: close), stragglers after the grace period
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeIdleConnections()
    const straggler = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS)
    await closed
    clearTimeout(straggler)
    const connections = [producerRedis, workerRedis, pumpRedis].filter((r): r is Redis => r !== null)
    const closeQueueSide = async (): Promise<void> => {
      await scheduler?.stop()
      await pump?.stop()
      if (worker) {
        const closed = worker.close()
        const graceful = await Promise.race([closed.then(() => true), sleep(SHUTDOWN_GRACE_MS).then(() => false)])
        if (!graceful) {
          logger.warn('in-flight deliveries released to other workers')
          await worker.close(true)
        }
      }
      await queue.close()
      await workerQueue?.close()
      await Promise.all(connections.map((r) => r.quit().catch(() => undefined)))
    }
    const deadline = redisLost ? REDIS_LOST_DEADLINE_MS : SHUTDOWN_DEADLINE_MS
    const finished = await Promise.race([closeQueueSide().then(() => true), sleep(deadline).then(() => false)])
    if (!finished) {
      if (!redisLost) logger.warn('redis unreachable during shutdown; connections cut (unfinished jobs are retried after restart)')
      for (const r of connections) r.disconnect()
    }
    await stopExpressionThreads()
    await embedded?.release()
    logger.info('stopped')
  }
  return {
    port,
    redisUrl,
    ruleSet: () => ruleSet,
    reloadRules: (trigger = 'api') => rules.reload(trigger),
    rulesStatus: () => rules.status(),
    adminToken,
    stop: (stopOptions) => (stopping ??= stop(stopOptions?.redisLost ?? false)),
  }
}

async function waitForRedis(redis: Redis, url: string): Promise<void> {
  if (redis.status === 'ready') {
    return
  }
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`cannot reach Redis at ${redactUrl(url)} within ${REDIS_CONNECT_TIMEOUT_MS / 1000} s`))
    }, REDIS_CONNECT_TIMEOUT_MS)
    redis.once('ready', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@')
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref())
}
