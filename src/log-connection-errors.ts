import type { Redis } from 'ioredis'
import type { Logger } from './logger.ts'
import { createRateLimitedLog } from './rate-limited-log.ts'

/**
 * Logs a Redis connection's errors: the first at once, then at most one line per interval with a
 * count (a lost Redis fails every reconnect attempt, several a second), and one line with the
 * totals when the connection is ready again. Without a listener ioredis prints each error to
 * stderr as "Unhandled error event".
 */
export function logConnectionErrors(redis: Redis, logger: Logger, connection: string): void {
  const errors = createRateLimitedLog({ logger, level: 'warn', message: 'redis connection error', recoveredMessage: 'redis connection recovered' })
  redis.on('error', (err: Error) => errors.failed({ connection, err: err.message }))
  redis.on('ready', () => errors.recovered())
}
