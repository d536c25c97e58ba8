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
    /** host:port of the server hookyard writes to; null while none is reachable */
    primary: string | null
    /** REDIS_WAIT_REPLICAS: how many replicas must hold an event before it is acknowledged (0: none) */
    wait_replicas: number
  }
}

/**
 * Reachability and memory of the server hookyard writes to, and which one it is: the configured
 * server, the primary the sentinels named (the address the connection reached), or the cluster node
 * that holds the slot of hookyard's `{prefix}` hash tag (where all of hookyard's keys live).
 */
export async function redisReadiness(redis: Redis, deployment: RedisDeployment, prefix: string, memory: MemoryWatch, wait: RedisWait | null): Promise<RedisReadiness> {
  const waitReplicas = wait?.replicas ?? 0
  const tls = deployment.mode !== 'embedded' && deployment.tls !== null
  const mode = deployment.mode === 'standalone' && tls ? 'tls' : deployment.mode
  if (isCluster(redis)) {
    const node = await slotNode(redis, prefix)
    const status = node ? await memory.readiness(node.client) : 'unreachable'
    return { status, deployment: { mode, tls, primary: node?.address ?? null, wait_replicas: waitReplicas } }
  }
  const status = await memory.readiness(redis)
  return { status, deployment: { mode, tls, primary: status === 'unreachable' ? null : connectedAddress(redis, deployment), wait_replicas: waitReplicas } }
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
