import type { Config } from '../config.ts'
import type { Logger } from '../logger.ts'
import type { MetricsRecorder } from '../metrics/metrics-recorder.ts'
import { createRulesReloader, type RulesReloader } from '../reload/create-rules-reloader.ts'
import { watchRulesDir, type DirWatcher } from '../reload/watch-rules-dir.ts'
import type { RuleSet } from '../rules/types.ts'
import type { Closer } from './closer.ts'

export interface RulesReloadOptions {
  config: Config
  env: Record<string, string | undefined>
  initial: RuleSet
  logger: Logger
  metrics: MetricsRecorder
  /** a reload failed with these problems (the previous rules keep serving) */
  onInvalid: (problems: string[]) => void
  /** what a failed start must close */
  opened: Closer[]
}

export interface ServingRules {
  /** the serving set: a reload swaps it as a whole */
  current: () => RuleSet
  reloader: RulesReloader
  watcher: DirWatcher
  /** the longest target timeout at start: the worker's job lock is sized by it */
  maxTimeoutMs: number
}

/** Hot reload of the rule directory: on file change, SIGHUP and the admin API. */
export function startRulesReload(options: RulesReloadOptions): ServingRules {
  const { config, logger } = options
  const maxTimeoutMs = longestTimeoutMs(options.initial)
  const reloader = createRulesReloader({
    dir: config.rulesDir,
    env: options.env,
    initial: options.initial,
    logger: logger.child({ component: 'rules' }),
    metrics: options.metrics,
    onInvalid: options.onInvalid,
    onSwap: (next) => {
      const longest = longestTimeoutMs(next)
      if (config.role !== 'ingest' && longest > maxTimeoutMs) {
        logger.warn({ timeout_ms: longest, started_with_ms: maxTimeoutMs }, 'a target timeout grew past the job lock set at start; restart workers to apply it safely')
      }
    },
  })
  // watching starts right after the load, so an edit made while Redis starts is not missed
  const watcher = watchRulesDir(config.rulesDir, () => void reloader.reload('watch'), { logger })
  options.opened.push(() => watcher.close(), () => reloader.idle())
  return { current: () => reloader.current(), reloader, watcher, maxTimeoutMs }
}

function longestTimeoutMs(ruleSet: RuleSet): number {
  return Math.max(0, ...[...ruleSet.targets.values()].map((t) => t.timeoutMs))
}
