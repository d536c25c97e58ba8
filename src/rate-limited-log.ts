import type { Logger } from './logger.ts'

/** How often a repeating failure writes a line at most, by default. */
export const DEFAULT_LOG_INTERVAL_MS = 10_000

export interface RateLimitedLogOptions {
  logger: Logger
  level: 'error' | 'warn'
  /** the message of the failure lines */
  message: string
  /** the message of the one info line `recovered()` writes; needed only where it is called */
  recoveredMessage?: string
  intervalMs?: number
  /** the clock; injectable so tests need not wait out the interval */
  now?: () => number
}

export interface RateLimitedLog {
  /**
   * One more occurrence of the failure. The first one is logged at once; later ones at most once
   * per interval, with `suppressed`: how many occurred since the previous line without one.
   */
  failed(fields: Record<string, unknown>): void
  /** The failure is over: one info line with the totals, if anything failed since the last one. */
  recovered(): void
}

/**
 * Log lines for a failure that repeats once per request (Redis down, connections refused):
 * thousands of identical lines a minute would bury everything else and fill disks, so
 * repetitions are counted instead of written.
 */
export function createRateLimitedLog(options: RateLimitedLogOptions): RateLimitedLog {
  const { logger, level, message, recoveredMessage } = options
  const intervalMs = options.intervalMs ?? DEFAULT_LOG_INTERVAL_MS
  const now = options.now ?? Date.now
  let failing = false
  let since = 0
  let total = 0
  let suppressed = 0
  let lastLineAt = 0

  return {
    failed(fields) {
      const at = now()
      if (!failing) {
        failing = true
        since = at
        total = 0
        suppressed = 0
        lastLineAt = at - intervalMs
      }
      total++
      if (at - lastLineAt < intervalMs) {
        suppressed++
        return
      }
      logger[level]({ ...fields, suppressed, total }, message)
      suppressed = 0
      lastLineAt = at
    },
    recovered() {
      if (!failing) return
      failing = false
      logger.info({ suppressed, total, duration_ms: now() - since }, recoveredMessage ?? 'recovered')
    },
  }
}
