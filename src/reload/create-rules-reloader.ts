import { formatRuleProblem, RuleError, type RuleProblem } from '../errors.ts'
import type { Logger } from '../logger.ts'
import type { MetricsRecorder } from '../metrics/metrics-recorder.ts'
import { loadRules } from '../rules/load-rules.ts'
import type { RuleSet } from '../rules/types.ts'

export type ReloadTrigger = 'watch' | 'signal' | 'api'

export type ReloadOutcome =
  | { ok: true; version: string; changed: boolean }
  | { ok: false; version: string; problems: RuleProblem[] }

/** What `/readyz` shows under `rules`. */
export interface RulesStatus {
  /** the version serving now */
  version: string
  loaded_at: string
  /** null until the first reload */
  last_reload: { ok: true; at: string; version: string } | { ok: false; at: string; problems: string[] } | null
}

export interface RulesReloaderOptions {
  dir: string
  env: Record<string, string | undefined>
  /** the rule set loaded at start */
  initial: RuleSet
  logger: Logger
  metrics?: MetricsRecorder | undefined
  /** called with each new set right after the swap */
  onSwap?: (next: RuleSet, previous: RuleSet) => void
  /** a reload failed (the previous rules keep serving); `problems` as `file:line:col message` */
  onInvalid?: (problems: string[]) => void
}

export interface RulesReloader {
  current(): RuleSet
  status(): RulesStatus
  /** Loads and validates the whole set; swaps only if all of it is valid. Never rejects. */
  reload(trigger: ReloadTrigger): Promise<ReloadOutcome>
  /** resolves once a reload in progress has finished */
  idle(): Promise<void>
}

/**
 * Holds the serving rule set and replaces it as a whole. A request reads the set once when it
 * starts, so it finishes with the set it began with; queued deliveries carry their rendered request
 * and never look at rules again. A broken set never replaces a working one.
 */
export function createRulesReloader(options: RulesReloaderOptions): RulesReloader {
  const { logger, metrics } = options
  let ruleSet = options.initial
  let loadedAt = new Date().toISOString()
  let lastReload: RulesStatus['last_reload'] = null
  let running: Promise<ReloadOutcome> | null = null
  let queued: Promise<ReloadOutcome> | null = null

  const load = async (trigger: ReloadTrigger): Promise<ReloadOutcome> => {
    const at = new Date().toISOString()
    let next: RuleSet
    try {
      next = await loadRules(options.dir, { env: options.env })
    } catch (err) {
      const problems = err instanceof RuleError ? err.problems : [{ file: options.dir, line: 1, col: 1, message: (err as Error).message }]
      const formatted = problems.map(formatRuleProblem)
      lastReload = { ok: false, at, problems: formatted }
      metrics?.rulesReloaded('error', problems.length)
      logger.error({ trigger, version: ruleSet.version, problems: formatted }, 'rules reload failed; previous rules keep serving')
      options.onInvalid?.(formatted)
      return { ok: false, version: ruleSet.version, problems }
    }
    const previous = ruleSet
    ruleSet = next
    loadedAt = at
    lastReload = { ok: true, at, version: next.version }
    try {
      options.onSwap?.(next, previous)
    } catch (err) {
      logger.error({ err }, 'rules swap hook failed') // the new set serves regardless
    }
    metrics?.rulesReloaded('ok', 0)
    const changed = next.version !== previous.version
    logger.info(
      { trigger, version: next.version, previous_version: previous.version, changed, sources: next.sources.size, targets: next.targets.size, routes: next.routes.length },
      'rules reloaded'
    )
    return { ok: true, version: next.version, changed }
  }

  // One load at a time. A request during a load gets one more load after it (it must see files
  // written after the running load read them); any number of such requests share that one.
  const start = (trigger: ReloadTrigger): Promise<ReloadOutcome> => {
    const p = load(trigger).finally(() => {
      if (running === p) running = null
    })
    running = p
    return p
  }
  const reload = (trigger: ReloadTrigger): Promise<ReloadOutcome> => {
    if (queued) return queued
    if (!running) return start(trigger)
    const next = running.then(() => {
      queued = null
      return start(trigger)
    })
    queued = next
    return next
  }

  return {
    current: () => ruleSet,
    status: () => ({ version: ruleSet.version, loaded_at: loadedAt, last_reload: lastReload }),
    reload,
    async idle() {
      await (queued ?? running)
    },
  }
}
