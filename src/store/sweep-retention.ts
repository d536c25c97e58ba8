import type { Redis } from 'ioredis'
import type { Logger } from '../logger.ts'
import type { StorageLimits } from './accept-event.ts'
import type { Keys } from './keys.ts'
import { asPartitions, partitionShare, type Partitions } from './partitions.ts'
import { registerScripts } from './scripts/register-scripts.ts'

/** How often the sweep runs after the one at start. */
const SWEEP_INTERVAL_MS = 60_000

export interface RetentionSweep {
  /** runs steps until nothing is left to remove; resolves with how many entries were removed */
  sweep(): Promise<number>
  stop(): void
}

export interface RetentionSweepOptions {
  redis: Redis
  keys: Keys | Partitions
  limits: StorageLimits
  logger: Logger
  intervalMs?: number
}

/**
 * Applies RETENTION, RETENTION_COUNT and DEDUP_MAX to what is already stored: once at start and
 * then every minute. Ingest applies them too, but only while events arrive; the sweep is what
 * makes a lowered setting take effect on records written under the old one (their TTLs were set
 * then) and on a quiet system. Every step is one short script, so a large backlog (right after
 * RETENTION was lowered) is cleared in many small calls that never block Redis for long. Every
 * process runs it; concurrent sweeps only find less to do.
 */
export function startRetentionSweep(options: RetentionSweepOptions): RetentionSweep {
  const { redis, keys, limits, logger } = options
  const { sweepStep } = registerScripts(redis)
  // every partition in turn, each keeping its share of RETENTION_COUNT and DEDUP_MAX
  const partitions = asPartitions(keys).all
  const share = partitionShare(limits, partitions.length)
  let stopped = false
  let running = false
  let lastError = ''

  const sweep = async (): Promise<number> => {
    let removed = 0
    for (;;) {
      if (stopped) return removed
      // one step (scripts/sweep-step.ts) removes at most TRIM_BATCH_MAX entries of each kind
      let n = 0
      for (const k of partitions) {
        n += await sweepStep([k.events, k.deliveries, k.dedupClaims], Date.now() - limits.retentionMs, share.retentionCount, k.event(''), k.delivery(''), share.dedupMax)
      }
      if (n === 0) return removed
      removed += n
    }
  }
  const run = (first: boolean): void => {
    // a backlog may take longer than the interval: one loop at a time
    if (running) return
    running = true
    sweep().finally(() => (running = false)).then(
      (removed) => {
        lastError = ''
        // at start this tells that a lowered setting was applied; later it is routine
        if (removed > 0) logger[first ? 'info' : 'debug']({ removed }, 'retention sweep removed records past RETENTION or RETENTION_COUNT and dedup ids past DEDUP_MAX')
      },
      (err: unknown) => {
        // once per outage: Redis being down is reported by the connection and /readyz
        const message = (err as Error).message
        if (message !== lastError) logger.warn({ err: message }, 'retention sweep failed; it runs again in a minute')
        lastError = message
      }
    )
  }
  run(true)
  const timer = setInterval(() => run(false), options.intervalMs ?? SWEEP_INTERVAL_MS)
  timer.unref()
  return {
    sweep,
    stop() {
      stopped = true
      clearInterval(timer)
    },
  }
}
