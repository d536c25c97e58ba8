import type { Redis } from 'ioredis'
import type { Logger } from './logger.ts'
import { formatBytes } from './redis-maxmemory.ts'

/** How long a write refused for memory keeps /readyz not ready while no write succeeds. */
const REFUSAL_MEMORY_MS = 10_000

/** True for Redis's refusal of a write past `maxmemory` (with `noeviction`). */
export function isOutOfMemory(err: unknown): boolean {
  return err instanceof Error && /^OOM\b/.test(err.message)
}

export interface MemoryWatch {
  /** passes a write through, noting whether Redis refused it for memory or took it */
  observe<T>(write: Promise<T>): Promise<T>
  /** what /readyz reports for Redis: `ok`, `unreachable`, or why it refuses writes */
  readiness(redis: Redis): Promise<string>
}

/**
 * Tells /readyz that Redis is full. Redis with `noeviction` refuses a write while its memory (not
 * counting replication and AOF buffers) is past `maxmemory`, and INFO shows that. But the request
 * itself counts: a large webhook can be refused while the data alone is just under the limit, and
 * INFO then looks fine; so a refusal seen in the last seconds, with no write taken since, counts too.
 */
export function createMemoryWatch(now: () => number = Date.now): MemoryWatch {
  let refusedAt: number | null = null
  return {
    observe(write) {
      return write.then(
        (result) => {
          refusedAt = null
          return result
        },
        (err: unknown) => {
          if (isOutOfMemory(err)) refusedAt = now()
          throw err
        }
      )
    },

    async readiness(redis) {
      let info: string
      try {
        info = await redis.info('memory')
      } catch {
        // INFO may be disabled on a managed Redis: then only reachability is known
        return redis.ping().then(
          () => 'ok',
          () => 'unreachable'
        )
      }
      const used = infoNumber(info, 'used_memory')
      const max = infoNumber(info, 'maxmemory')
      const notCounted = infoNumber(info, 'mem_not_counted_for_evict')
      const refusedRecently = refusedAt !== null && now() - refusedAt < REFUSAL_MEMORY_MS
      if (max > 0 && (used - notCounted > max || refusedRecently)) {
        return `out of memory: ${formatBytes(used)} used, maxmemory is ${formatBytes(max)}; webhooks are refused with 503 until records expire or maxmemory is raised`
      }
      return 'ok'
    },
  }
}

/**
 * Warns when an external Redis may evict keys: eviction would silently drop queued deliveries,
 * cooldown gates and dedup claims, where `noeviction` refuses writes and ingest answers 503.
 */
export async function warnIfEvicting(redis: Redis, logger: Logger): Promise<void> {
  const info = await redis.info('memory').catch(() => '')
  const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1]
  if (policy !== undefined && policy !== 'noeviction') {
    logger.warn({ maxmemory_policy: policy }, `Redis evicts keys when full (maxmemory-policy ${policy}): set maxmemory-policy noeviction, or queued deliveries and dedup ids may silently disappear`)
  }
}

function infoNumber(info: string, field: string): number {
  const match = new RegExp(`^${field}:(\\d+)`, 'm').exec(info)
  return match ? Number(match[1]) : 0
}
