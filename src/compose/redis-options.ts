import type { ClusterOptions, RedisOptions } from 'ioredis'
import type { HostPort, RedisAuth, RedisDeployment, RedisTls } from '../config.ts'

/**
 * How a connection behaves while no primary is reachable. `producer` (ingest, the admin API, the
 * sweep) fails at once, so a webhook is answered 503 + Retry-After instead of waiting in memory;
 * `worker` (the delivery worker, BullMQ, the inbox pump) queues its commands through a blip.
 */
export type ConnectionRole = 'producer' | 'worker'

/** What connections.ts opens: one `Redis` (one server, or the primary the sentinels name) or a `Cluster`. */
export type ConnectionPlan =
  | { kind: 'redis'; url: string | null; options: RedisOptions }
  | { kind: 'cluster'; nodes: HostPort[]; options: ClusterOptions }

const ROLE_OPTIONS: Record<ConnectionRole, RedisOptions> = {
  // No auto-pipelining: measured with `npm run bench`, batching the per-event scripts cost more CPU
  // than the writes it saved (about 1,500 vs 1,750 req/s on two cores).
  producer: { enableOfflineQueue: false, maxRetriesPerRequest: 1, enableAutoPipelining: false },
  // BullMQ refuses a blocking connection that gives up on a command (maxRetriesPerRequest must be null)
  worker: { maxRetriesPerRequest: null },
}

/**
 * The client options of one connection of `role` to `deployment`. `embeddedUrl`: the URL of the
 * embedded redis-server, for the embedded deployment.
 */
export function connectionPlan(deployment: RedisDeployment, role: ConnectionRole, embeddedUrl: string | null): ConnectionPlan {
  const roleOptions = ROLE_OPTIONS[role]
  switch (deployment.mode) {
    case 'embedded':
      return { kind: 'redis', url: embeddedUrl, options: { ...roleOptions } }
    case 'standalone':
      // the URL's own rediss:// turns TLS on; only a private CA needs saying
      return { kind: 'redis', url: deployment.url, options: { ...roleOptions, ...(deployment.tls?.ca ? { tls: tlsOptions(deployment.tls) } : {}) } }
    case 'sentinel':
      return {
        kind: 'redis',
        url: null,
        options: {
          ...roleOptions,
          ...credentials(deployment.auth),
          sentinels: deployment.sentinels,
          name: deployment.name,
          sentinelPassword: deployment.sentinelPassword ?? undefined,
          // a failover announced by a sentinel reconnects at once, not when the old primary's socket dies
          failoverDetector: true,
          // a write answered READONLY went to a demoted primary: reconnect (the sentinels name the new one);
          // a worker sends the refused command again there, ingest answers 503 and the sender retries
          reconnectOnError: (err) => (err.message.startsWith('READONLY') ? (role === 'worker' ? 2 : 1) : false),
          ...(deployment.tls ? { tls: tlsOptions(deployment.tls), sentinelTLS: tlsOptions(deployment.tls), enableTLSForSentinelMode: true } : {}),
        },
      }
    case 'cluster': {
      const { enableOfflineQueue, enableAutoPipelining, ...nodeOptions } = roleOptions
      return {
        kind: 'cluster',
        nodes: deployment.nodes,
        options: {
          // the cluster's own queue decides whether a command waits for a reachable node (a node's
          // connection always queues: ioredis opens it lazily)
          ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
          ...(enableAutoPipelining === undefined ? {} : { enableAutoPipelining }),
          redisOptions: { ...nodeOptions, ...credentials(deployment.auth), ...(deployment.tls ? { tls: tlsOptions(deployment.tls) } : {}) },
        },
      }
    }
  }
}

/** Where a connection goes, for messages: the URL without its credentials, or the nodes listed. */
export function describeDeployment(deployment: RedisDeployment, embeddedUrl: string | null): string {
  switch (deployment.mode) {
    case 'embedded':
      return embeddedUrl ?? 'the embedded redis-server'
    case 'standalone':
      return redactUrl(deployment.url)
    case 'sentinel':
      return `primary "${deployment.name}" of the sentinels ${deployment.sentinels.map(hostPort).join(',')}`
    case 'cluster':
      return `the cluster of ${deployment.nodes.map(hostPort).join(',')}`
  }
}

export function hostPort(node: HostPort): string {
  return node.host.includes(':') ? `[${node.host}]:${node.port}` : `${node.host}:${node.port}`
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@')
}

function credentials(auth: RedisAuth): Pick<RedisOptions, 'username' | 'password'> {
  return { ...(auth.username === null ? {} : { username: auth.username }), ...(auth.password === null ? {} : { password: auth.password }) }
}

function tlsOptions(tls: RedisTls): NonNullable<RedisOptions['tls']> {
  return tls.ca === null ? {} : { ca: tls.ca }
}
