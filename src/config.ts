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
  /** null: start the embedded private redis-server */
  redisUrl: string | null
  rulesDir: string
  logLevel: string
  adminToken: string | null
  maxBodyBytes: number
  role: Role
  /** where the embedded redis-server keeps its data */
  dataDir: string
  /** Redis key prefix; wrapped in braces so every key shares one Cluster hash slot */
  redisPrefix: string
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
 * Parses the environment and flags; pure (reads only its arguments).
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
  if (c.HOOKYARD_REQUIRE_REDIS_URL === '1' && c.REDIS_URL === undefined) {
    throw new ConfigError([
      'REDIS_URL: required here (HOOKYARD_REQUIRE_REDIS_URL=1, as in the container image, which has no redis-server): ' +
        'set REDIS_URL=redis://HOST:6379 to a Redis with appendonly yes and maxmemory-policy noeviction (docker-compose.yml runs one)',
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
    redisUrl: c.REDIS_URL ?? null,
    rulesDir: c.RULES_DIR,
    logLevel: c.LOG_LEVEL,
    adminToken: c.HOOKYARD_ADMIN_TOKEN ?? null,
    maxBodyBytes: c.MAX_BODY_BYTES,
    role: c.HOOKYARD_ROLE,
    dataDir: c.HOOKYARD_DATA_DIR,
    redisPrefix: c.HOOKYARD_PREFIX,
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
