import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { randomBytes, randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.ts'
import { startRedisServer, type RedisServerHandle } from '../../src/embedded-redis.ts'
import { createLogger } from '../../src/logger.ts'
import { startHookyard, type RunningHookyard } from '../../src/start-hookyard.ts'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'

const TOKEN = 'bounded-storage-token-51f0'
const HEADERS = { 'content-type': 'application/json', 'x-hookyard-token': TOKEN }

/** One generic source (deduplicated by X-Delivery) routed to one http target. */
const RULES = {
  'repo.yaml': `
sources:
  repo: { type: generic, secret: "\${TOKEN}", delivery_header: X-Delivery }
targets:
  ci: { type: http, url: "\${URL}/trigger" }
routes:
  - name: ci-on-push
    source: repo
    to: [ci]
`,
}

/** Every key of `prefix` matching `pattern`, found with SCAN (never KEYS on a shared server). */
async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = []
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000)
    found.push(...keys)
    cursor = next
  } while (cursor !== '0')
  return found
}

describe('dedup ids are capped by DEDUP_MAX', () => {
  let target: CaptureServer
  let hy: TestHookyard

  beforeAll(async () => {
    target = await startCaptureServer()
    hy = await startTestHookyard({ rules: RULES, env: { TOKEN, URL: target.url, DEDUP_MAX: '3' } })
  })
  afterAll(async () => {
    await hy.stop()
    await target.close()
  })

  it('remembers only the newest DEDUP_MAX delivery ids, within DEDUP_WINDOW', async () => {
    for (let n = 0; n < 6; n++) {
      const res = await hy.post('repo', JSON.stringify({ n }), { ...HEADERS, 'x-delivery': `d${n}` })
      expect(res.status).toBe(202)
    }
    expect(await scanKeys(hy.redis, `{${hy.prefix}}:dedup:*`)).toHaveLength(3)
    // the newest is still recognised as a retry; the oldest was forgotten and is accepted again
    const retry = await hy.post('repo', JSON.stringify({ n: 5 }), { ...HEADERS, 'x-delivery': 'd5' })
    expect(await retry.json()).toMatchObject({ duplicate: true })
    const forgotten = await hy.post('repo', JSON.stringify({ n: 0 }), { ...HEADERS, 'x-delivery': 'd0' })
    expect(forgotten.status).toBe(202)
    expect(await scanKeys(hy.redis, `{${hy.prefix}}:dedup:*`)).toHaveLength(3)
  })

  it('applies a lowered DEDUP_MAX to the ids already remembered, at start', async () => {
    const lowered = await startTestHookyard({ rules: RULES, env: { TOKEN, URL: target.url, DEDUP_MAX: '1', HOOKYARD_PREFIX: hy.prefix } })
    try {
      await expect.poll(async () => (await scanKeys(hy.redis, `{${hy.prefix}}:dedup:*`)).length, { timeout: 5_000 }).toBe(1)
      // the one kept is the newest claim (d0, accepted again above)
      const again = await lowered.post('repo', JSON.stringify({ n: 0 }), { ...HEADERS, 'x-delivery': 'd0' })
      expect(await again.json()).toMatchObject({ duplicate: true })
    } finally {
      await lowered.stop()
    }
  })
})

describe('a lowered RETENTION applies to records already stored', () => {
  let target: CaptureServer

  beforeAll(async () => {
    target = await startCaptureServer()
  })
  afterAll(async () => {
    await target.close()
  })

  it('removes events, deliveries and attempts written under the longer RETENTION', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}`
    const before = await startTestHookyard({ rules: RULES, env: { TOKEN, URL: target.url, HOOKYARD_PREFIX: prefix } })
    const stored: { event: string; deliveries: { id: string }[] }[] = []
    try {
      for (let n = 0; n < 3; n++) {
        const res = await before.post('repo', JSON.stringify({ n }), { ...HEADERS, 'x-delivery': `r${n}` })
        expect(res.status).toBe(202)
        stored.push((await res.json()) as (typeof stored)[number])
      }
      await expect.poll(() => target.requests.length, { timeout: 10_000 }).toBe(3)
      const delivery = `{${prefix}}:delivery:${stored[0]!.deliveries[0]!.id}`
      await expect.poll(() => before.redis.hget(delivery, 'status'), { timeout: 10_000 }).toBe('"delivered"')
      // written under the default 7 days
      expect(await before.redis.pttl(`{${prefix}}:event:${stored[0]!.event}`)).toBeGreaterThan(6 * 86_400_000)
    } finally {
      await before.stop()
    }
    await new Promise((r) => setTimeout(r, 1_200))

    const after = await startTestHookyard({ rules: RULES, env: { TOKEN, URL: target.url, HOOKYARD_PREFIX: prefix, RETENTION: '1s' } })
    try {
      const gone = async (): Promise<number> => {
        let left = 0
        for (const { event, deliveries } of stored) {
          left += await after.redis.exists(`{${prefix}}:event:${event}`)
          for (const d of deliveries) left += await after.redis.exists(`{${prefix}}:delivery:${d.id}`, `{${prefix}}:delivery:${d.id}:attempts`)
        }
        return left
      }
      await expect.poll(gone, { timeout: 5_000 }).toBe(0)
      expect(await after.redis.zcard(`{${prefix}}:events`)).toBe(0)
      expect(await after.redis.zcard(`{${prefix}}:deliveries`)).toBe(0)
      expect(after.logs.some((l) => l.includes('retention sweep removed'))).toBe(true)
    } finally {
      await after.stop()
    }
  })
})

describe('a full Redis (maxmemory reached) answers 503 and says why', () => {
  let dataDir: string
  let rulesDir: string
  let app: RunningHookyard
  let url: string
  let redis: Redis
  const logs: string[] = []

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hookyard-data-'))
    rulesDir = mkdtempSync(join(tmpdir(), 'hookyard-rules-'))
    writeFileSync(join(rulesDir, 'repo.yaml'), 'sources:\n  repo: { type: generic, secret: "${TOKEN}" }\n')
    // no REDIS_URL: hookyard starts its embedded redis-server, with this maxmemory
    const env = { TOKEN, RULES_DIR: rulesDir, HOOKYARD_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', HOOKYARD_ROLE: 'ingest', EMBEDDED_REDIS_MAXMEMORY: '4mb' }
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(...chunk.toString().split('\n').filter(Boolean))
        done()
      },
    })
    app = await startHookyard({ config: loadConfig(env), logger: createLogger({ level: 'debug', destination }), env, version: '0.0.0-test' })
    url = `http://127.0.0.1:${app.port}`
    redis = new Redis(app.redisUrl)
  })
  afterAll(async () => {
    redis.disconnect()
    await app.stop()
    rmSync(dataDir, { recursive: true, force: true })
    rmSync(rulesDir, { recursive: true, force: true })
  })

  it('refuses webhooks with 503 + Retry-After, /readyz tells why, and both recover once memory is freed', async () => {
    expect(await redis.config('GET', 'maxmemory')).toEqual(['maxmemory', String(4 * 1024 * 1024)])
    expect(await redis.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction'])
    // distinct bodies: a repeated one would be a duplicate (the body hash is its delivery id);
    // random filler, because stored bodies are compressed and a repeated character would take no room
    const body = (n: number): string => JSON.stringify({ n, filler: randomBytes(192 * 1024).toString('base64') })
    let refused: Response | null = null
    // 40 bodies of 256 KiB (about 192 KiB each once compressed) are far past 4 MiB
    for (let n = 0; n < 40 && refused === null; n++) {
      const res = await fetch(`${url}/hooks/repo`, { method: 'POST', body: body(n), headers: HEADERS })
      if (res.status === 503) refused = res
      else expect(res.status).toBe(200)
    }
    expect(refused).not.toBeNull()
    expect(refused!.headers.get('retry-after')).toBe('5')
    const error = ((await refused!.json()) as { error: { code: string; message: string } }).error
    expect(error).toEqual({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining('out of memory (maxmemory reached)') as string })

    const ready = await fetch(`${url}/readyz`)
    expect(ready.status).toBe(503)
    const readyBody = (await ready.json()) as { status: string; redis: string }
    expect(readyBody.status).toBe('not ready')
    expect(readyBody.redis).toMatch(/^out of memory: .* used, maxmemory is 4mb; webhooks are refused with 503/)

    // memory freed (here: the limit raised) → accepting and ready again, with no restart
    await redis.config('SET', 'maxmemory', String(64 * 1024 * 1024))
    expect((await fetch(`${url}/hooks/repo`, { method: 'POST', body: body(-1), headers: HEADERS })).status).toBe(200)
    expect(await (await fetch(`${url}/readyz`)).json()).toMatchObject({ status: 'ready', redis: 'ok' })
  })
})

describe('an external Redis that evicts keys', () => {
  let dir: string
  let server: RedisServerHandle

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookyard-evicting-redis-'))
    server = await startRedisServer({ dir })
  })
  afterAll(async () => {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('is named in a warning at start', async () => {
    const admin = new Redis(server.url)
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru')
    admin.disconnect()
    const hy = await startTestHookyard({ rules: RULES, env: { TOKEN, URL: 'http://127.0.0.1:9' }, redisUrl: server.url })
    try {
      const warning = hy.logs.map((l) => JSON.parse(l) as { level: number; msg: string }).find((l) => l.msg.includes('maxmemory-policy allkeys-lru'))
      expect(warning).toMatchObject({ level: 40, msg: expect.stringContaining('set maxmemory-policy noeviction') as string })
    } finally {
      await hy.stop()
    }
  })
})
