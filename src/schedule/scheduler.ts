import type { IngestPipeline } from '../ingest/ingest-pipeline.ts'
import type { Logger } from '../logger.ts'
import type { MetricsRecorder } from '../metrics/metrics-recorder.ts'
import type { RuleSet } from '../rules/types.ts'
import { latestFireBetween, MISFIRE_MAX_AGE_MS, nextFire, readScheduleOptions, type ScheduleOptions } from '../sources/schedule.ts'
import { sourceTypes } from '../sources/index.ts'
import type { ScheduleState } from '../store/schedule-state.ts'

export interface SchedulerOptions {
  getRuleSet: () => RuleSet
  pipeline: IngestPipeline
  state: ScheduleState
  logger: Logger
  metrics?: Pick<MetricsRecorder, 'scheduleFired'>
}

export interface Scheduler {
  /** finishes the tick in hand, then stops */
  stop(): Promise<void>
}

/** Longest sleep between looks at the rules: a reload is picked up within this. */
const MAX_SLEEP_MS = 1000
/** Ticks fired back to back after a stall (a blocked event loop); older ones count as missed. */
const MAX_CATCH_UP = 10

interface Tracked {
  /** cron, time zone and misfire: a change reschedules from now */
  signature: string
  options: ScheduleOptions
  /** the last tick handled; the next one fires after it */
  cursor: Date
}

/** The schedule sources of a rule set, by name. */
export function scheduleSources(ruleSet: RuleSet): Map<string, ScheduleOptions> {
  const out = new Map<string, ScheduleOptions>()
  for (const source of ruleSet.sources.values()) {
    if (sourceTypes.get(source.type)?.scheduled) out.set(source.name, readScheduleOptions(source))
  }
  return out
}

/**
 * Fires the rule set's schedules in a worker process. Every worker fires every tick; the
 * pipeline's dedup claim on the tick's delivery id lets exactly one store it, so a tick fires
 * once however many workers run, and is not lost while one of them is alive. Reloads are read
 * on every loop: added schedules start from now, changed ones reschedule, removed ones stop.
 */
export function startScheduler(options: SchedulerOptions): Scheduler {
  const { logger } = options
  const tracked = new Map<string, Tracked>()
  let running = true
  let wake: (() => void) | null = null

  const fire = async (name: string, fireTime: Date): Promise<void> => {
    try {
      // a stored tick's fire is recorded with its event, in the same atomic step
      const outcome = await options.pipeline.ingest({ kind: 'schedule', name, fireTime, manual: false })
      options.metrics?.scheduleFired(name, outcome.kind === 'stored' ? 'fired' : 'duplicate')
    } catch (err) {
      options.metrics?.scheduleFired(name, 'error')
      logger.warn({ schedule: name, fire_time: fireTime.toISOString(), err: (err as Error).message }, 'schedule tick failed')
    }
  }

  /** A schedule seen for the first time (start, or added by a reload): a missed tick fires per `misfire`. */
  const adopt = async (name: string, opts: ScheduleOptions, now: Date): Promise<void> => {
    const lastFire = (await options.state.read([name])).get(name)?.last_fire
    if (lastFire) {
      const missed = latestFireBetween(opts, new Date(lastFire), now)
      if (missed) {
        if (opts.misfire === 'latest' && now.getTime() - missed.getTime() < MISFIRE_MAX_AGE_MS) {
          logger.info({ schedule: name, fire_time: missed.toISOString() }, 'firing a missed tick')
          await fire(name, missed)
        } else {
          options.metrics?.scheduleFired(name, 'missed')
          logger.info({ schedule: name, fire_time: missed.toISOString(), misfire: opts.misfire }, 'missed tick skipped')
        }
      }
    }
  }

  const sync = async (now: Date): Promise<void> => {
    const current = scheduleSources(options.getRuleSet())
    for (const name of tracked.keys()) {
      if (!current.has(name)) tracked.delete(name)
    }
    for (const [name, opts] of current) {
      const signature = JSON.stringify([opts.cron, opts.timezone, opts.misfire])
      const known = tracked.get(name)
      if (known?.signature === signature) {
        known.options = opts // the static body may have changed: read at fire time anyway
        continue
      }
      if (!known) await adopt(name, opts, now)
      tracked.set(name, { signature, options: opts, cursor: now })
    }
  }

  const loop = async (): Promise<void> => {
    while (running) {
      let sleepMs = MAX_SLEEP_MS
      try {
        const now = new Date()
        await sync(now)
        for (const [name, t] of tracked) {
          let due = nextFire(t.options, t.cursor)
          for (let n = 0; due.getTime() <= Date.now() && running; n++) {
            if (n < MAX_CATCH_UP) {
              await fire(name, due)
            } else {
              options.metrics?.scheduleFired(name, 'missed')
            }
            t.cursor = due
            due = nextFire(t.options, t.cursor)
          }
          sleepMs = Math.min(sleepMs, due.getTime() - Date.now())
        }
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'scheduler retrying')
      }
      if (!running) break
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, sleepMs))
        wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      wake = null
    }
  }

  const done = loop().catch((err: unknown) => logger.error({ err }, 'scheduler stopped'))
  return {
    async stop() {
      running = false
      wake?.()
      await done
    },
  }
}
