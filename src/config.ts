import { readFileSync } from 'node:fs'
import * as z from 'zod'
import { ConfigError } from './errors.ts'
import { parseDuration } from './rules/parse-duration.ts'
import { parseMaxmemory, type MaxmemorySetting } from './redis-maxmemory.ts'

export const ROLES = ['all', 'ingest', 'worker'] as const
export type Role = (typeof ROLES)[number]

/** Everything the process needs, parsed once from the environment and flags, then passed down. */
export interface Config {
  port: number
  host: string
  /** which Redis, and how to reach it: embedded, one server, Sentinel or Cluster */
  redis: RedisDeployment
  /** REDIS_WAIT_REPLICAS: an event is acknowledged only once this many replicas hold it; null: off */
  redisWait: RedisWait | null
  rulesDir: string
  logLevel: string
  adminToken: string | null
  maxBodyBytes: number
  role: Role
  /** where the embedded redis-server keeps its data */
  dataDir: string
  /** Redis key prefix; wrapped in braces so every key shares one Cluster hash slot */
  redisPrefix: string
  /** how many hash-tag partitions hookyard's keys are spread over (1: every key under `{prefix}`) */
  redisPartitions: number
  dedupWindowMs: number
  /** the most sender delivery ids remembered; past it the oldest are forgotten before the window ends */
  dedupMax: number
  workerConcurrency: number
  /** how long event and delivery records are kept */
  retentionMs: number
  /** the most events kept (with their deliveries and attempts); the oldest go first */
  retentionCount: number
  /** the embedded redis-server's maxmemory (ignored with REDIS_URL) */
  embeddedRedisMaxmemory: MaxmemorySetting
  /** the address people reach hookyard at, for dashboard links in notifications; null: no links */
  publicUrl: string | null
  /** limits on inbound HTTP connections, so slow or idle clients cannot hold sockets (docs/security.md) */
  http: HttpLimits
}

/** The Redis hookyard keeps its data in (docs/scaling.md#redis-deployments). */
export type RedisDeployment =
  /** no REDIS_* variable: the private redis-server hookyard starts itself */
  | { mode: 'embedded' }
  /** REDIS_URL: one server; `rediss://` for TLS */
  | { mode: 'standalone'; url: string; tls: RedisTls | null }
  /** REDIS_SENTINELS: the sentinels are asked which server is the primary of `name` */
  | { mode: 'sentinel'; sentinels: HostPort[]; name: string; sentinelPassword: string | null; auth: RedisAuth; tls: RedisTls | null }
  /** REDIS_CLUSTER_NODES: a few nodes of a Redis Cluster; the client learns the rest from them */
  | { mode: 'cluster'; nodes: HostPort[]; auth: RedisAuth; tls: RedisTls | null }

/** Redis `WAIT replicas timeoutMs` after each group-commit batch (docs/scaling.md#what-an-acknowledgement-guarantees). */
export interface RedisWait {
  replicas: number
  timeoutMs: number
}

export interface HostPort {
  host: string
  port: number
}

/** The data nodes' credentials (from a host-less REDIS_URL); null: none */
export interface RedisAuth {
  username: string | null
  password: string | null
}

export interface RedisTls {
  /** the PEM text of REDIS_TLS_CA_FILE, read at start; null: Node's default CAs */
  ca: string | null
}

export interface HttpLimits {
  /** the request line and headers must arrive within this */
  headersTimeoutMs: number
  /** the whole request, body included, must arrive within this */
  requestTimeoutMs: number
  /** an idle keep-alive connection is closed after this */
  keepAliveTimeoutMs: number
  /** connections past this many open ones are closed at once */
  maxConnections: number
}

/** Command-line flags; they override the environment. */
export interface ConfigFlags {
  port?: string | undefined
  rules?: string | undefined
  role?: string | undefined
}

const durationMs = z.string().transform((value, ctx) => {
  try {
    return parseDuration(value)
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message })
    return z.NEVER
  }
})

/** A positive duration of at most an hour (Node's HTTP timers take no longer ones, and 0 would disable them). */
const httpTimeout = durationMs.pipe(z.number().min(1, 'must be longer than 0').max(3_600_000, 'must be at most 1h'))

/** Most hash-tag partitions: an event id's last byte names its partition (src/store/partitions.ts). */
export const MAX_PARTITIONS = 256
/**
 * The default on a Redis Cluster: 16 partitions put 5 or 6 on each of 3 primaries and 2 on each of
 * 8, so keys spread within a few percent of even on common cluster sizes, while a worker holds only
 * 16 blocking queue connections.
 */
export const CLUSTER_PARTITIONS = 16

const intString = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))

const schema = z.object({
  PORT: intString(0, 65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  REDIS_TLS_CA_FILE: z.string().optional(),
  REDIS_SENTINELS: z.string().optional(),
  REDIS_SENTINEL_NAME: z.string().regex(/^\S+$/, 'must be one word, the name the sentinels monitor (e.g. mymaster)').optional(),
  REDIS_SENTINEL_PASSWORD: z.string().optional(),
  REDIS_CLUSTER_NODES: z.string().optional(),
  REDIS_WAIT_REPLICAS: intString(0, 1000).default(0),
  // WAIT with a timeout of 0 blocks forever; past a minute every sender has given up anyway
  REDIS_WAIT_TIMEOUT: durationMs.pipe(z.number().min(1, 'must be longer than 0').max(60_000, 'must be at most 1m')).optional(),
  REDIS_PARTITIONS: intString(1, MAX_PARTITIONS).optional(),
  RULES_DIR: z.string().min(1).default('./rules'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOOKYARD_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  MAX_BODY_BYTES: intString(1, 1024 * 1024 * 1024).default(10 * 1024 * 1024),
  HOOKYARD_ROLE: z.enum(ROLES).default('all'),
  HOOKYARD_DATA_DIR: z.string().min(1).default('./.hookyard'),
  HOOKYARD_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
    .default('hookyard'),
  DEDUP_WINDOW: durationMs.default(24 * 3600_000),
  DEDUP_MAX: intString(1, 100_000_000).default(1_000_000),
  WORKER_CONCURRENCY: intString(1, 10_000).default(50),
  RETENTION: durationMs.default(7 * 24 * 3600_000),
  RETENTION_COUNT: intString(1, 100_000_000).default(100_000),
  EMBEDDED_REDIS_MAXMEMORY: z
    .string()
    .transform((value, ctx) => {
      try {
        return parseMaxmemory(value)
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message })
        return z.NEVER
      }
    })
    .default({ percentOfHost: 50 }),
  HOOKYARD_PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL such as https://hookyard.example.com')
    .optional(),
  HTTP_HEADERS_TIMEOUT: httpTimeout.default(10_000),
  HTTP_REQUEST_TIMEOUT: httpTimeout.default(30_000),
  HTTP_KEEP_ALIVE_TIMEOUT: httpTimeout.default(5_000),
  HTTP_MAX_CONNECTIONS: intString(1, 1_000_000).default(1024),
  /** set in the container image, which embeds no redis-server */
  HOOKYARD_REQUIRE_REDIS_URL: z.enum(['0', '1']).default('0'),
})

/**
 * Parses the environment and flags; reads nothing else but REDIS_TLS_CA_FILE.
 * @throws ConfigError listing every invalid key at once
 */
export function loadConfig(env: Record<string, string | undefined>, flags: ConfigFlags = {}): Config {
  const merged: Record<string, string> = {}
  for (const [key, value] of Object.entries(env)) {
    if (key in schema.shape && value !== undefined && value !== '') {
      merged[key] = value
    }
  }
  if (flags.port !== undefined) merged['PORT'] = flags.port
  if (flags.rules !== undefined) merged['RULES_DIR'] = flags.rules
  if (flags.role !== undefined) merged['HOOKYARD_ROLE'] = flags.role

  const parsed = schema.safeParse(merged)
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`))
  }
  const c = parsed.data
  const redis = readRedisDeployment(c)
  const redisWait = readRedisWait(c, redis)
  if (c.HOOKYARD_REQUIRE_REDIS_URL === '1' && redis.mode === 'embedded') {
    throw new ConfigError([
      'REDIS_URL: required here (HOOKYARD_REQUIRE_REDIS_URL=1, as in the container image, which has no redis-server): ' +
        'set REDIS_URL=redis://HOST:6379 to a Redis with appendonly yes and maxmemory-policy noeviction (docker-compose.yml runs one), ' +
        'or REDIS_SENTINELS with REDIS_SENTINEL_NAME, or REDIS_CLUSTER_NODES',
    ])
  }
  if (c.HTTP_HEADERS_TIMEOUT > c.HTTP_REQUEST_TIMEOUT) {
    throw new ConfigError([
      `HTTP_HEADERS_TIMEOUT: must not be longer than HTTP_REQUEST_TIMEOUT (${c.HTTP_REQUEST_TIMEOUT} ms), which covers the headers too: ` +
        'shorten HTTP_HEADERS_TIMEOUT or lengthen HTTP_REQUEST_TIMEOUT',
    ])
  }
  return {
    port: c.PORT,
    host: c.HOST,
    redis,
    redisWait,
    rulesDir: c.RULES_DIR,
    logLevel: c.LOG_LEVEL,
    adminToken: c.HOOKYARD_ADMIN_TOKEN ?? null,
    maxBodyBytes: c.MAX_BODY_BYTES,
    role: c.HOOKYARD_ROLE,
    dataDir: c.HOOKYARD_DATA_DIR,
    redisPrefix: c.HOOKYARD_PREFIX,
    redisPartitions: c.REDIS_PARTITIONS ?? (redis.mode === 'cluster' ? CLUSTER_PARTITIONS : 1),
    dedupWindowMs: c.DEDUP_WINDOW,
    dedupMax: c.DEDUP_MAX,
    workerConcurrency: c.WORKER_CONCURRENCY,
    retentionMs: c.RETENTION,
    retentionCount: c.RETENTION_COUNT,
    embeddedRedisMaxmemory: c.EMBEDDED_REDIS_MAXMEMORY,
    publicUrl: c.HOOKYARD_PUBLIC_URL ?? null,
    http: {
      headersTimeoutMs: c.HTTP_HEADERS_TIMEOUT,
      requestTimeoutMs: c.HTTP_REQUEST_TIMEOUT,
      keepAliveTimeoutMs: c.HTTP_KEEP_ALIVE_TIMEOUT,
      maxConnections: c.HTTP_MAX_CONNECTIONS,
    },
  }
}

type RedisVariables = Pick<z.infer<typeof schema>, 'REDIS_URL' | 'REDIS_TLS_CA_FILE' | 'REDIS_SENTINELS' | 'REDIS_SENTINEL_NAME' | 'REDIS_SENTINEL_PASSWORD' | 'REDIS_CLUSTER_NODES'>

/** `rediss://user:password@` with no host: what REDIS_URL may say beside a list of nodes. */
const HOSTLESS_URL = /^(rediss?):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?$/

/**
 * One of the forms, each named by its own variable: REDIS_URL alone (one server), REDIS_SENTINELS
 * with REDIS_SENTINEL_NAME, or REDIS_CLUSTER_NODES. Beside a list, REDIS_URL names no host (the
 * list does) and carries only the scheme (TLS or not) and the data nodes' credentials.
 * @throws ConfigError for a combination that says two things, or a list that is not host:port
 */
function readRedisDeployment(c: RedisVariables): RedisDeployment {
  const problems: string[] = []
  const sentinels = c.REDIS_SENTINELS === undefined ? null : hostPortList('REDIS_SENTINELS', c.REDIS_SENTINELS, 'sentinel-1:26379,sentinel-2:26379,sentinel-3:26379', problems)
  const nodes = c.REDIS_CLUSTER_NODES === undefined ? null : hostPortList('REDIS_CLUSTER_NODES', c.REDIS_CLUSTER_NODES, 'redis-1:6379,redis-2:6379,redis-3:6379', problems)
  if (sentinels && nodes) {
    problems.push('REDIS_SENTINELS: set together with REDIS_CLUSTER_NODES: a Redis is either watched by sentinels or a cluster; set one of them')
  }
  if (sentinels && c.REDIS_SENTINEL_NAME === undefined) {
    problems.push('REDIS_SENTINEL_NAME: required with REDIS_SENTINELS: the name the sentinels monitor the primary under (`sentinel monitor NAME ...`, often mymaster)')
  }
  if (!sentinels && c.REDIS_SENTINEL_NAME !== undefined) {
    problems.push('REDIS_SENTINEL_NAME: set without REDIS_SENTINELS: list the sentinels too (REDIS_SENTINELS=host:port,host:port)')
  }
  if (!sentinels && c.REDIS_SENTINEL_PASSWORD !== undefined) {
    problems.push('REDIS_SENTINEL_PASSWORD: set without REDIS_SENTINELS: it is the password of the sentinels themselves')
  }
  const listed = sentinels ? 'REDIS_SENTINELS' : nodes ? 'REDIS_CLUSTER_NODES' : null
  let scheme = c.REDIS_URL?.startsWith('rediss://') ? 'rediss' : 'redis'
  let auth: RedisAuth = { username: null, password: null }
  if (listed && c.REDIS_URL !== undefined) {
    const hostless = HOSTLESS_URL.exec(c.REDIS_URL)
    if (hostless) {
      scheme = hostless[1]!
      auth = { username: decoded(hostless[2]), password: decoded(hostless[3]) }
    } else {
      problems.push(
        `REDIS_URL: names a server, but ${listed} lists the nodes: beside ${listed}, REDIS_URL may carry only TLS and credentials, ` +
          'with no host, port or database: rediss://:PASSWORD@ or rediss://USER:PASSWORD@ (or unset it)'
      )
    }
  }
  const tlsWanted = scheme === 'rediss'
  if (c.REDIS_TLS_CA_FILE !== undefined && !tlsWanted) {
    problems.push('REDIS_TLS_CA_FILE: set, but the connection is not TLS: write REDIS_URL as rediss://... (with a list of nodes, REDIS_URL=rediss:// alone)')
  }
  if (problems.length > 0) throw new ConfigError(problems)

  const tls = tlsWanted ? { ca: c.REDIS_TLS_CA_FILE === undefined ? null : readCaFile(c.REDIS_TLS_CA_FILE) } : null
  if (sentinels) return { mode: 'sentinel', sentinels, name: c.REDIS_SENTINEL_NAME!, sentinelPassword: c.REDIS_SENTINEL_PASSWORD ?? null, auth, tls }
  if (nodes) return { mode: 'cluster', nodes, auth, tls }
  if (c.REDIS_URL !== undefined) return { mode: 'standalone', url: c.REDIS_URL, tls }
  return { mode: 'embedded' }
}

/** Default REDIS_WAIT_TIMEOUT: well under the 10 s most senders wait for an answer. */
const DEFAULT_WAIT_TIMEOUT_MS = 2_000

/**
 * REDIS_WAIT_REPLICAS needs replicas to wait for: the embedded redis-server has none, and on a
 * cluster the WAIT would have to go to the node that ran the script, which is not done yet.
 * @throws ConfigError for a wait that could never be satisfied, or a timeout without a wait
 */
function readRedisWait(c: Pick<z.infer<typeof schema>, 'REDIS_WAIT_REPLICAS' | 'REDIS_WAIT_TIMEOUT'>, redis: RedisDeployment): RedisWait | null {
  if (c.REDIS_WAIT_REPLICAS === 0) {
    if (c.REDIS_WAIT_TIMEOUT !== undefined) {
      throw new ConfigError(['REDIS_WAIT_TIMEOUT: set without REDIS_WAIT_REPLICAS: it is how long an acknowledgement waits for the replicas; set REDIS_WAIT_REPLICAS=1 (or more) too, or unset it'])
    }
    return null
  }
  if (redis.mode === 'embedded') {
    throw new ConfigError([
      'REDIS_WAIT_REPLICAS: set, but the embedded redis-server has no replicas and every webhook would be refused: ' +
        'point hookyard at a primary with replicas (REDIS_URL or REDIS_SENTINELS), or unset REDIS_WAIT_REPLICAS',
    ])
  }
  if (redis.mode === 'cluster') {
    throw new ConfigError(['REDIS_WAIT_REPLICAS: not supported with REDIS_CLUSTER_NODES yet: use it with REDIS_URL or REDIS_SENTINELS, or unset it'])
  }
  return { replicas: c.REDIS_WAIT_REPLICAS, timeoutMs: c.REDIS_WAIT_TIMEOUT ?? DEFAULT_WAIT_TIMEOUT_MS }
}

/** `host:port,host:port`; a host is a name, an IPv4 address or an [IPv6] address. */
function hostPortList(variable: string, value: string, example: string, problems: string[]): HostPort[] {
  const list: HostPort[] = []
  for (const item of value.split(',').map((s) => s.trim())) {
    const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$/.exec(item)
    const port = Number(match?.[2])
    if (!match || port < 1 || port > 65535) {
      problems.push(`${variable}: ${JSON.stringify(item)} is not host:port: write a comma-separated list such as ${example}`)
      continue
    }
    list.push({ host: match[1]!.replace(/^\[|\]$/g, ''), port })
  }
  return list
}

function decoded(part: string | undefined): string | null {
  if (part === undefined || part === '') return null
  try {
    return decodeURIComponent(part)
  } catch {
    return part
  }
}

/** @throws ConfigError naming the file when it cannot be read or holds no certificate */
function readCaFile(path: string): string {
  let pem: string
  try {
    pem = readFileSync(path, 'utf8')
  } catch (err) {
    throw new ConfigError([`REDIS_TLS_CA_FILE: cannot read ${path}: ${(err as Error).message}`])
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError([`REDIS_TLS_CA_FILE: ${path} holds no PEM certificate (a -----BEGIN CERTIFICATE----- block)`])
  }
  return pem
}
