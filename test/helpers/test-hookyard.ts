import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { inject } from 'vitest'
import { loadConfig } from '../../src/config.ts'
import { createLogger } from '../../src/logger.ts'
import { startHookyard, type RunningHookyard } from '../../src/start-hookyard.ts'

export interface TestHookyard {
  url: string
  app: RunningHookyard
  /** every log line written, as raw JSON text */
  logs: string[]
  /** a connection to the same Redis, for inspection */
  redis: Redis
  prefix: string
  /** the temporary rules directory the instance loaded */
  rulesDir: string
  /** writes (replaces) one rule file in `rulesDir`, as an editor would save it */
  writeRule(name: string, text: string): void
  /** the admin API's bearer token (HOOKYARD_ADMIN_TOKEN from `env`, else the generated one) */
  adminToken: string
  post(source: string, body: string | Buffer, headers: Record<string, string>, query?: string): Promise<Response>
  stop(): Promise<void>
}

export interface TestHookyardOptions {
  /** rule files: name -> YAML text */
  rules: Record<string, string>
  env?: Record<string, string>
  redisUrl?: string
}

/** Runs a real hookyard in this process: real HTTP on port 0, the test run's real Redis, a unique key prefix. */
export async function startTestHookyard(options: TestHookyardOptions): Promise<TestHookyard> {
  const rulesDir = mkdtempSync(join(tmpdir(), 'hookyard-rules-'))
  for (const [name, text] of Object.entries(options.rules)) {
    writeFileSync(join(rulesDir, name), text)
  }
  const prefix = options.env?.['HOOKYARD_PREFIX'] ?? `t${randomUUID().slice(0, 8)}`
  const redisUrl = options.redisUrl ?? inject('redisUrl')
  // REDIS_PARTITIONS in the test run's environment runs every in-process hookyard with that many
  // partitions on the one server (child processes inherit it anyway)
  const partitions = process.env['REDIS_PARTITIONS'] ? { REDIS_PARTITIONS: process.env['REDIS_PARTITIONS'] } : {}
  const env = { ...partitions, ...options.env, REDIS_URL: redisUrl, RULES_DIR: rulesDir, PORT: '0', HOST: '127.0.0.1', HOOKYARD_PREFIX: prefix }
  const logs: string[] = []
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...chunk.toString().split('\n').filter(Boolean))
      done()
    },
  })
  const logger = createLogger({ level: 'debug', destination })
  const app = await startHookyard({ config: loadConfig(env), logger, env, version: '0.0.0-test' })
  const url = `http://127.0.0.1:${app.port}`
  const redis = new Redis(redisUrl)
  // outage tests stop Redis under it: its reconnect errors are expected, not worth a stderr line each
  redis.on('error', () => undefined)
  return {
    url,
    app,
    logs,
    redis,
    prefix,
    rulesDir,
    writeRule: (name, text) => writeFileSync(join(rulesDir, name), text),
    adminToken: app.adminToken,
    post: (source, body, headers, query = '') =>
      fetch(`${url}/hooks/${source}${query}`, { method: 'POST', body, headers }),
    async stop() {
      await app.stop()
      redis.disconnect()
    },
  }
}
