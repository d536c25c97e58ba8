import { Redis } from 'ioredis'
import { join } from 'node:path'
import { acquireEmbeddedRedis, type EmbeddedRedis } from '../acquire-embedded-redis.ts'
import type { Config } from '../config.ts'
import { logConnectionErrors } from '../log-connection-errors.ts'
import type { Logger } from '../logger.ts'
import { formatBytes, maxmemoryBytes } from '../redis-maxmemory.ts'
import { warnIfEvicting } from '../redis-memory.ts'
import type { Closer } from './closer.ts'

/** How long start waits for Redis before giving up (docs/configuration.md). */
const REDIS_CONNECT_TIMEOUT_MS = 30_000

export interface RedisServer {
  redisUrl: string
  /** null when REDIS_URL names the user's own Redis */
  embedded: EmbeddedRedis | null
}

/** The user's Redis (REDIS_URL), or else the embedded redis-server kept in the data directory. */
export async function acquireRedisServer(options: { config: Config; logger: Logger; onFatal?: ((err: Error) => void) | undefined; opened: Closer[] }): Promise<RedisServer> {
  const { config, logger } = options
  if (config.redisUrl) return { redisUrl: config.redisUrl, embedded: null }
  const dir = join(config.dataDir, 'redis')
  const lease = await acquireEmbeddedRedis({
    dir,
    logger: logger.child({ component: 'redis' }),
    onLost: (err) => options.onFatal?.(err),
    maxmemoryBytes: maxmemoryBytes(config.embeddedRedisMaxmemory),
  })
  options.opened.push(() => lease.release())
  logger.info(
    { redis_url: lease.url, data_dir: dir, maxmemory: formatBytes(maxmemoryBytes(config.embeddedRedisMaxmemory)) },
    lease.started
      ? 'embedded redis-server started (set REDIS_URL to use your own Redis)'
      : 'using the embedded redis-server already running for this folder'
  )
  return { redisUrl: lease.url, embedded: lease }
}

/** The connection of ingest, the admin API and the sweep; resolves once Redis answers. */
export async function connectProducer(server: RedisServer, logger: Logger, opened: Closer[]): Promise<Redis> {
  // Ingress fails fast while Redis is down (503 + Retry-After) instead of queueing commands in memory.
  // No auto-pipelining: measured with `npm run bench`, batching the per-event scripts cost more CPU
  // than the writes it saved (about 1,500 vs 1,750 req/s on two cores).
  const redis = new Redis(server.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, enableAutoPipelining: false })
  logConnectionErrors(redis, logger, 'producer')
  opened.push(() => redis.disconnect())
  await waitForRedis(redis, server.redisUrl)
  if (!server.embedded) await warnIfEvicting(redis, logger)
  return redis
}

export interface WorkerConnections {
  worker: Redis
  pump: Redis
}

/** Workers (and the inbox pump) use connections that queue commands through a Redis blip instead of failing. */
export function openWorkerConnections(redisUrl: string, logger: Logger, opened: Closer[]): WorkerConnections {
  const worker = new Redis(redisUrl, { maxRetriesPerRequest: null })
  const pump = new Redis(redisUrl, { maxRetriesPerRequest: null })
  logConnectionErrors(worker, logger, 'worker')
  logConnectionErrors(pump, logger, 'pump')
  opened.push(() => worker.disconnect(), () => pump.disconnect())
  return { worker, pump }
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
