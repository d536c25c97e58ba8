import type { Config } from './config.ts'
import type { Logger } from './logger.ts'
import { createMetrics } from './metrics/create-metrics.ts'
import type { Notifier } from './queue/notifier.ts'
import type { ReloadOutcome, ReloadTrigger, RulesStatus } from './reload/create-rules-reloader.ts'
import type { RuleSet } from './rules/types.ts'
import { closeOpened, type Closer } from './compose/closer.ts'
import { acquireRedisServer, connectProducer } from './compose/connections.ts'
import { loadServingRules } from './compose/load-serving-rules.ts'
import { startHttp } from './compose/start-http.ts'
import { startIngestSide } from './compose/start-ingest-side.ts'
import { startQueueSide } from './compose/start-queue-side.ts'
import { startRulesReload } from './compose/start-rules-reload.ts'
import { startSchedules } from './compose/start-schedules.ts'
import { stopHookyard } from './compose/stop-hookyard.ts'

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
    await closeOpened(opened)
    throw err
  }
}

/**
 * Every role loads the rules, connects to Redis, opens the ingest side (scheduled events are stored
 * through it too) and serves HTTP (health, metrics). The worker and `all` roles also run the queue
 * side (pump + delivery worker) and the scheduler; the ingest and `all` roles accept webhooks and
 * serve the admin API. Each part adds what a failed start must close to `opened`.
 */
async function startParts(options: StartOptions, opened: Closer[]): Promise<RunningHookyard> {
  const { config, logger } = options
  const userAgent = `hookyard/${options.version}`

  const initialRules = await loadServingRules(config, options.env, logger)
  // a scrape can only happen once the server listens, after `ingest` exists
  const metrics = createMetrics({
    queueCounts: () => ingest.queues.counts(),
    flowStates: async () => {
      const names = [...rules.current().targets.keys()]
      const states = await Promise.all(names.map((t) => ingest.flow.state(t)))
      return new Map(names.map((t, i) => [t, states[i]!]))
    },
  })
  // a reload that fails is reported once the queue exists (notifications travel through it)
  let notifier: Notifier | null = null
  const rules = startRulesReload({
    config,
    env: options.env,
    initial: initialRules,
    logger,
    metrics,
    onInvalid: (problems) => void notifier?.notify({ type: 'rules_invalid', problems: problems.slice(0, 10), message: `a rules reload failed with ${problems.length} problem(s); the previous rules keep serving` }),
    opened,
  })

  const redisServer = await acquireRedisServer({ config, logger, onFatal: options.onFatal, opened })
  const producerRedis = await connectProducer(redisServer, logger, opened)

  const ingest = startIngestSide({ config, redis: producerRedis, rules: rules.current, userAgent, logger, opened })
  notifier = ingest.notifier
  const queueSide =
    config.role === 'ingest'
      ? null
      : startQueueSide({ config, redisServer, keys: ingest.keys, rules: rules.current, maxTimeoutMs: rules.maxTimeoutMs, metrics, userAgent, logger, opened })
  const schedules = startSchedules({ config, redis: producerRedis, keys: ingest.keys, rules: rules.current, pipelineFor: ingest.pipelineFor, metrics, logger, opened })
  const http = await startHttp({ config, redis: producerRedis, rules: rules.current, rulesStatus: () => rules.reloader.status(), ingest, schedules: schedules.state, metrics, userAgent, logger })

  let stopping: Promise<void> | null = null
  const stop = (redisLost: boolean): Promise<void> =>
    stopHookyard(
      { logger, rules, sweep: ingest.sweep, http, scheduler: schedules.scheduler, queueSide, queues: ingest.queues, producerRedis, embedded: redisServer.embedded },
      redisLost
    )
  return {
    port: http.port,
    redisUrl: redisServer.redisUrl,
    ruleSet: rules.current,
    reloadRules: (trigger = 'api') => rules.reloader.reload(trigger),
    rulesStatus: () => rules.reloader.status(),
    adminToken: http.adminToken,
    stop: (stopOptions) => (stopping ??= stop(stopOptions?.redisLost ?? false)),
  }
}
