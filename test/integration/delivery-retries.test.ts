import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createDeliveryLog, type DeliveryLog } from '../../src/store/delivery-log.ts'
import { storeKeys } from '../helpers/store-keys.ts'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'

const TOKEN = 'generic-token-0123456789'

const RULES = `
sources:
  app:
    type: generic
    secret: \${APP_TOKEN}
targets:
  ci:
    type: http
    url: \${TARGET_URL}
    retry: { attempts: 3, backoff: 100ms, max_backoff: 200ms }
    timeout: 500ms
routes:
  - name: everything
    source: app
    to: [ci]
    map: '{ "body": { "n": body.n } }'
`

describe('delivery retries', () => {
  let target: CaptureServer
  let hy: TestHookyard
  let log: DeliveryLog

  beforeAll(async () => {
    target = await startCaptureServer()
    hy = await startTestHookyard({ rules: { 'app.yaml': RULES }, env: { APP_TOKEN: TOKEN, TARGET_URL: `${target.url}/trigger` } })
    log = createDeliveryLog(hy.redis, storeKeys(hy.prefix), 3600_000)
  })
  afterAll(async () => {
    await hy.stop()
    await target.close()
  })
  beforeEach(() => {
    target.requests.length = 0
  })

  async function send(n: number): Promise<string> {
    const res = await hy.post('app', JSON.stringify({ n }), { 'content-type': 'application/json', 'x-hookyard-token': TOKEN })
    expect(res.status).toBe(202)
    const body = (await res.json()) as { deliveries: { id: string }[] }
    expect(body.deliveries).toHaveLength(1)
    return body.deliveries[0]!.id
  }

  async function finalStatus(id: string): Promise<string> {
    await expect.poll(async () => (await log.getDelivery(id))?.status, { timeout: 15_000 }).toMatch(/^(delivered|failed)$/)
    return (await log.getDelivery(id))!.status
  }

  it('retries a 503 after the Retry-After delay, then delivers the same bytes with the same delivery header', async () => {
    target.respondWith({ status: 503, headers: { 'retry-after': '1' }, body: 'maintenance' })
    const id = await send(1)
    expect(await finalStatus(id)).toBe('delivered')
    expect(target.requests).toHaveLength(2)
    const [first, second] = target.requests as [(typeof target.requests)[0], (typeof target.requests)[0]]
    expect(second.at - first.at).toBeGreaterThanOrEqual(950)
    expect(second.body).toBe(first.body)
    expect(JSON.parse(first.body)).toEqual({ n: 1 })
    expect(first.headers['x-hookyard-delivery']).toBe(id)
    expect(second.headers['x-hookyard-delivery']).toBe(id)
    expect(first.headers['user-agent']).toBe('hookyard/0.0.0-test')
    const attempts = await log.listAttempts(id)
    expect(attempts.map((a) => [a.status, a.outcome])).toEqual([
      [503, 'retry'],
      [200, 'delivered'],
    ])
    expect(attempts[0]!.response_excerpt).toBe('maintenance')
  })

  it('honours Retry-After given as an HTTP date', async () => {
    target.respondWith({ status: 429, headers: { 'retry-after': new Date(Date.now() + 2000).toUTCString() } })
    const id = await send(2)
    expect(await finalStatus(id)).toBe('delivered')
    expect(target.requests).toHaveLength(2)
    expect(target.requests[1]!.at - target.requests[0]!.at).toBeGreaterThanOrEqual(900)
  })

  it('does not retry a permanent 400 and keeps the response', async () => {
    target.respondWith({ status: 400, body: 'variables needs to be a map of key-valued strings' })
    const id = await send(3)
    expect(await finalStatus(id)).toBe('failed')
    const attempts = await log.listAttempts(id)
    expect(attempts).toHaveLength(1)
    expect(attempts[0]).toMatchObject({ status: 400, outcome: 'failed', reason: 'HTTP 400' })
    expect(attempts[0]!.response_excerpt).toContain('variables needs')
    expect(target.requests).toHaveLength(1)
    expect((await log.getDelivery(id))!.error).toBe('HTTP 400')
  })

  it('gives up after the configured attempts and keeps every attempt (dead letter)', async () => {
    target.respondWith({ status: 500 }, { status: 502 }, { status: 504 })
    const id = await send(4)
    expect(await finalStatus(id)).toBe('failed')
    const attempts = await log.listAttempts(id)
    expect(attempts.map((a) => [a.attempt, a.status, a.outcome])).toEqual([
      [1, 500, 'retry'],
      [2, 502, 'retry'],
      [3, 504, 'failed'],
    ])
    for (const a of attempts) {
      expect(a.duration_ms).toBeGreaterThanOrEqual(0)
    }
    expect(target.requests).toHaveLength(3)
    expect(new Set(target.requests.map((r) => r.body)).size).toBe(1)
    // the attempts that will be retried are info; the one that fails for good is warn
    const lines = hy.logs.map((l) => JSON.parse(l) as { msg: string; delivery?: string; level: number; attempt?: number })
    const logged = lines.filter((l) => l.msg === 'delivery attempt' && l.delivery === id).map((l) => [l.attempt, l.level])
    expect(logged).toEqual([
      [1, 30],
      [2, 30],
      [3, 40],
    ])
  })

  it('retries a target that does not answer within the timeout', async () => {
    target.respondWith({ status: 200, delayMs: 2000 })
    const id = await send(5)
    expect(await finalStatus(id)).toBe('delivered')
    const attempts = await log.listAttempts(id)
    expect(attempts[0]).toMatchObject({ status: null, outcome: 'retry', reason: 'timed out' })
    expect(attempts.at(-1)).toMatchObject({ status: 200, outcome: 'delivered' })
  })

  it('retries when the target cannot be reached', async () => {
    const gone = await startCaptureServer()
    const url = gone.url
    await gone.close()
    const other = await startTestHookyard({
      rules: { 'app.yaml': RULES.replace('attempts: 3', 'attempts: 2') },
      env: { APP_TOKEN: TOKEN, TARGET_URL: url },
    })
    try {
      const res = await other.post('app', '{"n":6}', { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` })
      expect(res.status).toBe(202)
      const { deliveries } = (await res.json()) as { deliveries: { id: string }[] }
      const otherLog = createDeliveryLog(other.redis, storeKeys(other.prefix), 3600_000)
      const id = deliveries[0]!.id
      await expect.poll(async () => (await otherLog.getDelivery(id))?.status, { timeout: 15_000 }).toBe('failed')
      const attempts = await otherLog.listAttempts(id)
      expect(attempts).toHaveLength(2)
      expect(attempts[0]!.reason).toMatch(/ECONNREFUSED/)
    } finally {
      await other.stop()
    }
  })
})
