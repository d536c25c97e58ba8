import { Cluster, Redis, SentinelConnector, type RedisOptions } from 'ioredis'
import { join } from 'node:path'
import { acquireEmbeddedRedis, type EmbeddedRedis } from '../acquire-embedded-redis.ts'
import type { Config, RedisDeployment } from '../config.ts'
import { logConnectionErrors } from '../log-connection-errors.ts'
import type { Logger } from '../logger.ts'
import { formatBytes, maxmemoryBytes } from '../redis-maxmemory.ts'
import { warnIfEvicting } from '../redis-memory.ts'
import type { Closer } from './closer.ts'
import { connectionPlan, describeDeployment, type ConnectionRole } from './redis-options.ts'

/** How long start waits for Redis before giving up (docs/configuration.md). */
const REDIS_CONNECT_TIMEOUT_MS = 30_000

/** Node's codes for a server certificate it does not trust: waiting will not change them. */
const UNTRUSTED_CERTIFICATE = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])

export interface RedisServer {
  deployment: RedisDeployment
  /** the embedded server's URL, the user's REDIS_URL, or (Sentinel, Cluster) the nodes it was given */
  redisUrl: string
  /** null when the Redis is the user's own */
  embedded: EmbeddedRedis | null
}

/** The user's Redis (REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES), or else the embedded redis-server kept in the data directory. */
export async function acquireRedisServer(options: { config: Config; logger: Logger; onFatal?: ((err: Error) => void) | undefined; opened: Closer[] }): Promise<RedisServer> {
  const { config, logger } = options
  const deployment = config.redis
  if (deployment.mode === 'standalone') return { deployment, redisUrl: deployment.url, embedded: null }
  if (deployment.mode !== 'embedded') return { deployment, redisUrl: describeDeployment(deployment, null), embedded: null }
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
  return { deployment, redisUrl: lease.url, embedded: lease }
}

/**
 * Every connection hookyard makes goes through here, in the form the configuration names.
 * A Cluster is handed on typed as `Redis`: the parts use only commands, defined scripts (each
 * names keys of the one `{prefix}` slot), events and quit/disconnect, which ioredis's `Cluster`
 * has alike; BullMQ tells the two apart itself.
 */
export function openConnection(server: RedisServer, role: ConnectionRole, name: string, logger: Logger, opened: Closer[]): Redis {
  const plan = connectionPlan(server.deployment, role, server.embedded ? server.redisUrl : null)
  const redis =
    plan.kind === 'cluster'
      ? (new Cluster(plan.nodes, plan.options) as unknown as Redis)
      : plan.url === null
        ? new Redis(server.deployment.mode === 'sentinel' ? { ...plan.options, Connector: FailoverSafeSentinelConnector as unknown as RedisOptions['Connector'] } : plan.options)
        : new Redis(plan.url, plan.options)
  logConnectionErrors(redis, logger, name)
  opened.push(() => redis.disconnect())
  return redis
}

type ErrorEmitter = Parameters<SentinelConnector['connect']>[0]

/**
 * ioredis's Sentinel connector, except that a reconnection is not ended by the failover detector
 * of the connection before it. ioredis keeps that detector (subscribed to `+switch-master`) alive
 * after its socket dies; when the announcement of the very failover being waited out arrives
 * while the reconnection asks a sentinel for the primary, the detector cancels the attempt and
 * ioredis ends the connection for good ("Connection is closed." from then on; seen here in two
 * failovers of six under steady traffic). Dropping the old detector when an attempt starts closes
 * that window; the new connection subscribes a detector of its own once connected. Copies made
 * with `duplicate()` (BullMQ's blocking connections) keep the option, so they are covered too.
 */
class FailoverSafeSentinelConnector extends SentinelConnector {
  override connect(eventEmitter: ErrorEmitter): ReturnType<SentinelConnector['connect']> {
    const self = this as unknown as { failoverDetector: { cleanup(): void } | null }
    self.failoverDetector?.cleanup()
    self.failoverDetector = null
    return super.connect(eventEmitter)
  }
}

/** The connection of ingest, the admin API and the sweep; resolves once Redis answers. */
export async function connectProducer(server: RedisServer, logger: Logger, opened: Closer[]): Promise<Redis> {
  const redis = openConnection(server, 'producer', 'producer', logger, opened)
  await waitForRedis(redis, describeDeployment(server.deployment, server.redisUrl))
  if (!server.embedded) await warnIfEvicting(redis, logger)
  return redis
}

export interface WorkerConnections {
  worker: Redis
  /** one per partition: each inbox pump's blocking read holds its connection */
  pumps: Redis[]
}

/** Workers (and the inbox pumps) use connections that queue commands through a Redis blip instead of failing. */
export function openWorkerConnections(server: RedisServer, partitions: number, logger: Logger, opened: Closer[]): WorkerConnections {
  const pumps = Array.from({ length: partitions }, () => openConnection(server, 'worker', 'pump', logger, opened))
  return { worker: openConnection(server, 'worker', 'worker', logger, opened), pumps }
}

/** Resolves once `redis` is ready; rejects after the timeout, or at once for a certificate it will never trust. */
async function waitForRedis(redis: Redis, where: string): Promise<void> {
  if (redis.status === 'ready') {
    return
  }
  await new Promise<void>((resolve, reject) => {
    let lastError: Error | null = null
    const done = (): void => {
      clearTimeout(timer)
      redis.off('error', onError)
      redis.off('ready', onReady)
    }
    const onError = (err: NodeJS.ErrnoException): void => {
      lastError = err
      if (err.code !== undefined && UNTRUSTED_CERTIFICATE.has(err.code)) {
        done()
        reject(new Error(`cannot connect to Redis at ${where} over TLS: ${err.message} (${err.code}); if a private CA signed the server's certificate, set REDIS_TLS_CA_FILE to its PEM file`))
      }
    }
    const onReady = (): void => {
      done()
      resolve()
    }
    const timer = setTimeout(() => {
      done()
      reject(new Error(`cannot reach Redis at ${where} within ${REDIS_CONNECT_TIMEOUT_MS / 1000} s${lastError ? ` (last error: ${lastError.message})` : ''}`))
    }, REDIS_CONNECT_TIMEOUT_MS)
    redis.on('error', onError)
    redis.once('ready', onReady)
  })
}
