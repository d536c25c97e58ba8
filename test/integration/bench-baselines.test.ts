/**
 * The benchmark's baselines do what the comparison claims: the naive durable server checks the
 * signature and stores the body before answering, its floor variant also parses the body and
 * stores it as hookyard's store does, adnanh/webhook accepts only signed requests,
 * and the Redis storage readings see growth and refuse a window an AOF rewrite ran in.
 */
import { Redis } from 'ioredis'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRedisServer, type RedisServerHandle } from '../../src/embedded-redis.ts'
import { startProcess, type BenchProcess } from '../../bench/processes.ts'
import { RedisStorage } from '../../bench/redis-storage.ts'
import { startWebhook, WEBHOOK_BINARY } from '../../bench/webhook-baseline.ts'
import { takeBody } from '../../src/store/stored-body.ts'
import { signGithub } from '../helpers/sign.ts'

const SECRET = 'bench-test-secret'
const body = JSON.stringify({ ref: 'refs/heads/main', padding: 'x'.repeat(4000) })
const post = (port: number, signature: string, payload = body): Promise<Response> =>
  fetch(`http://127.0.0.1:${port}/hooks/github`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body: payload })

let dir: string
let redis: RedisServerHandle
let client: Redis

beforeAll(async () => {
  // a Redis of its own: the storage readings change its config and rewrite its AOF
  dir = mkdtempSync(join(tmpdir(), 'hookyard-bench-test-'))
  redis = await startRedisServer({ dir: join(dir, 'redis') })
  client = new Redis(redis.url)
})

afterAll(async () => {
  await client.quit()
  await redis.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('naive durable server', () => {
  let server: BenchProcess
  beforeAll(async () => {
    server = await startProcess(['--import', 'tsx', 'bench/naive-durable-server.ts'], { REDIS_URL: redis.url, BENCH_SECRET: SECRET }, 'listening')
  })
  afterAll(() => server.stop())

  it('stores the signed body with one XADD before it answers 202, and refuses a wrong signature', async () => {
    const storage = new RedisStorage(redis.url, join(dir, 'redis'))
    await storage.holdRewrites()
    const before = await storage.read()

    const ok = await post(server.port, signGithub(SECRET, body))
    expect(ok.status).toBe(202)
    const entries = await client.xrange('naive:events', '-', '+')
    expect(entries.map(([, fields]) => fields)).toEqual([['body', body]])

    const refused = await post(server.port, signGithub('another-secret', body))
    expect(refused.status).toBe(401)
    expect(await client.xlen('naive:events')).toBe(1)

    const grown = RedisStorage.perEvent(before, await storage.read(), 1)
    expect(grown.aof).toBeGreaterThan(body.length)
    expect(grown.memory).toBeGreaterThan(body.length)

    const beforeRewrite = await storage.read()
    await storage.rewrite()
    const afterRewrite = await storage.read()
    expect(afterRewrite.aofRewrites).toBe(beforeRewrite.aofRewrites + 1)
    expect(() => RedisStorage.perEvent(beforeRewrite, afterRewrite, 1)).toThrow(/AOF rewrite ran during the measurement/)
    await storage.close()
  })
})

describe('the floor (NAIVE_FLOOR=1)', () => {
  let server: BenchProcess
  beforeAll(async () => {
    await client.del('naive:events')
    server = await startProcess(['--import', 'tsx', 'bench/naive-durable-server.ts'], { REDIS_URL: redis.url, BENCH_SECRET: SECRET, NAIVE_FLOOR: '1' }, 'listening')
  })
  afterAll(() => server.stop())

  it('parses the signed body and stores it compressed, as the event store keeps bodies', async () => {
    const ok = await post(server.port, signGithub(SECRET, body))
    expect(ok.status).toBe(202)
    expect(await ok.json()).toMatchObject({ ref: 'refs/heads/main' })
    const entries = await client.xrangeBuffer('naive:events', '-', '+')
    expect(entries).toHaveLength(1)
    const [field, bytes] = entries[0]![1]
    expect(field?.toString()).toBe('raw_body_deflate')
    expect(bytes!.length).toBeLessThan(body.length / 4)
    expect(takeBody({ raw_body_deflate: bytes! })?.toString()).toBe(body)
  })

  it('answers a body that is not JSON with 400 and stores nothing', async () => {
    const notJson = 'not json'
    expect((await post(server.port, signGithub(SECRET, notJson), notJson)).status).toBe(400)
    expect(await client.xlen('naive:events')).toBe(1)
  })
})

describe('adnanh/webhook baseline', () => {
  it(`accepts a correctly signed push and refuses a wrong signature (null when ${WEBHOOK_BINARY} is missing)`, async () => {
    const webhook = await startWebhook(dir, SECRET)
    if (!existsSync(WEBHOOK_BINARY)) {
      expect(webhook).toBeNull()
      return
    }
    if (!webhook) throw new Error(`${WEBHOOK_BINARY} exists but did not start`)
    try {
      expect((await post(webhook.port, signGithub(SECRET, body))).status).toBe(202)
      expect((await post(webhook.port, signGithub('another-secret', body))).status).toBe(500)
    } finally {
      await webhook.stop()
    }
  })
})
