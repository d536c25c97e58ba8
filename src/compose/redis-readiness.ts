import type { Cluster, Redis } from 'ioredis'
import type { RedisDeployment, RedisWait } from '../config.ts'
import type { MemoryWatch } from '../redis-memory.ts'
import { hostPort } from './redis-options.ts'

/** What /readyz says of Redis. */
export interface RedisReadiness {
  /** `ok`, `unreachable`, or why Redis refuses writes (the `redis` field /readyz always had) */
  status: string
  deployment: {
    mode: 'embedded' | 'standalone' | 'tls' | 'sentinel' | 'cluster'
    tls: boolean
    /** host:port of the server hookyard writes to (on a cluster: the one holding the first partition); null while none is reachable */
    primary: string | null
    /** REDIS_WAIT_REPLICAS: how many replicas must hold an event before it is acknowledged (0: none) */
    wait_replicas: number
    /** how many hash-tag partitions the keys are spread over (REDIS_PARTITIONS) */
    partitions: number
  }
}

/**
 * Reachability and memory of the servers hookyard writes to, and which they are: the configured
 * server, the primary the sentinels named (the address the connection reached), or the cluster
 * nodes that hold the slots of hookyard's partition tags (`prefixes`, one per partition): every one
 * of them must be writable.
 */
export async function redisReadiness(redis: Redis, deployment: RedisDeployment, prefixes: readonly string[], memory: MemoryWatch, wait: RedisWait | null): Promise<RedisReadiness> {
  const waitReplicas = wait?.replicas ?? 0
  const tls = deployment.mode !== 'embedded' && deployment.tls !== null
  const mode = deployment.mode === 'standalone' && tls ? 'tls' : deployment.mode
  const partitions = prefixes.length
  if (isCluster(redis)) {
    const nodes = await Promise.all(prefixes.map((prefix) => slotNode(redis, prefix)))
    const distinct = [...new Map(nodes.map((n) => [n?.address ?? null, n])).values()]
    const statuses = await Promise.all(distinct.map(async (node) => (node ? memory.readiness(node.client) : 'unreachable')))
    const status = statuses.find((s) => s !== 'ok') ?? 'ok'
    return { status, deployment: { mode, tls, primary: nodes[0]?.address ?? null, wait_replicas: waitReplicas, partitions } }
  }
  const status = await memory.readiness(redis)
  return { status, deployment: { mode, tls, primary: status === 'unreachable' ? null : connectedAddress(redis, deployment), wait_replicas: waitReplicas, partitions } }
}

function isCluster(redis: Redis): boolean {
  return (redis as unknown as Partial<Cluster>).isCluster === true
}

/** The primary that holds the slot of `{prefix}`, as the client's slot table has it. */
async function slotNode(redis: Redis, prefix: string): Promise<{ address: string; client: Redis } | null> {
  const cluster = redis as unknown as Cluster
  let slot: number
  try {
    slot = Number(await cluster.cluster('KEYSLOT', prefix))
  } catch {
    return null
  }
  const address = cluster.slots[slot]?.[0]
  if (address === undefined) return null
  const client = cluster.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === address)
  return client ? { address, client } : null
}

/** With sentinels, the address the connection reached (the primary they named); else the configured one. */
function connectedAddress(redis: Redis, deployment: RedisDeployment): string | null {
  if (deployment.mode === 'sentinel') {
    const socket = redis.stream as { remoteAddress?: string; remotePort?: number } | undefined
    if (socket?.remoteAddress === undefined || socket.remotePort === undefined) return null
    return hostPort({ host: socket.remoteAddress.replace(/^::ffff:/, ''), port: socket.remotePort })
  }
  return `${redis.options.host ?? '127.0.0.1'}:${redis.options.port ?? 6379}`
}
