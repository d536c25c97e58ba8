import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createDeliveryLog } from '../../src/store/delivery-log.ts'
import { storeKeys } from '../helpers/store-keys.ts'
import type { DeliveryRecord } from '../../src/store/records.ts'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { githubBranchPush } from '../helpers/fixtures.ts'
import { startHookyardProcess, writeRules, type HookyardProcess } from '../helpers/hookyard-process.ts'
import { githubHeaders } from '../helpers/sign.ts'

const SECRET = 'cooldown-test-secret-0001'

function push(sha: string, branch = 'main'): string {
  const payload = githubBranchPush()
  payload['after'] = sha
  payload['ref'] = `refs/heads/${branch}`
  return JSON.stringify(payload)
}

function sha(n: number): string {
  return n.toString(16).padStart(40, 'a')
}

function post(url: string, body: string): Promise<Response> {
  return fetch(`${url}/hooks/github`, { method: 'POST', body, headers: githubHeaders(SECRET, 'push', body) })
}

describe('cooldown and scale-out across real processes (1 ingest + 2 workers)', () => {
  let cooled: CaptureServer
  let plain: CaptureServer
  let slow: CaptureServer
  let ingest: HookyardProcess
  let workers: HookyardProcess[] = []
  let redis: Redis
  const prefix = `mp${randomUUID().slice(0, 8)}`

  beforeAll(async () => {
    ;[cooled, plain, slow] = await Promise.all([startCaptureServer(), startCaptureServer(), startCaptureServer()])
    const rulesDir = writeRules({
      'github.yaml': `
sources:
  github: { type: github, secret: "\${SECRET}" }
targets:
  cooled:
    type: http
    url: ${cooled.url}/build
    cooldown: 3s
    timeout: 2s
  plain:
    type: http
    url: ${plain.url}/build
    timeout: 2s
  slow:
    type: http
    url: ${slow.url}/build
    timeout: 1s
routes:
  - name: every-push
    source: github
    when: push.branch = "main"
    to: [cooled, plain]
    map: '{ "body": { "sha": push.sha } }'
  - name: slow-push
    source: github
    when: push.branch = "slow"
    to: slow
    map: '{ "body": { "sha": push.sha } }'
`,
    })
    const env = { REDIS_URL: inject('redisUrl'), RULES_DIR: rulesDir, HOOKYARD_PREFIX: prefix, SECRET }
    ;[ingest, ...workers] = await Promise.all([
      startHookyardProcess('ingest', env),
      startHookyardProcess('worker', env),
      startHookyardProcess('worker', env),
    ])
    redis = new Redis(inject('redisUrl'))
  }, 60_000)

  afterAll(async () => {
    for (const p of [ingest, ...workers] as (HookyardProcess | undefined)[]) {
      await p?.stop()
    }
    redis.disconnect()
    await Promise.all([cooled, plain, slow].map((s) => s.close()))
  })

  it('a burst of 6 pushes fires the first at once and the newest once the 3 s window ends; no cooldown receives all 6', async () => {
    const log = createDeliveryLog(redis, storeKeys(prefix), 3600_000)
    const started = Date.now()
    const ids: string[] = []
    for (let i = 1; i <= 6; i++) {
      const res = await post(ingest.url, push(sha(i)))
      expect(res.status).toBe(202)
      const body = (await res.json()) as { deliveries: { id: string; target: string }[] }
      ids.push(body.deliveries.find((d) => d.target === 'cooled')!.id)
      await new Promise((r) => setTimeout(r, 250)) // the burst itself is spread over ~1.5 s
    }
    await expect.poll(() => plain.requests.length, { timeout: 10_000 }).toBe(6)
    expect(plain.requests.map((r) => (JSON.parse(r.body) as { sha: string }).sha)).toEqual([1, 2, 3, 4, 5, 6].map(sha))

    // settle: every cooled delivery is either delivered or folded into a later one
    await expect
      .poll(async () => (await Promise.all(ids.map((id) => log.getDelivery(id)))).map((d) => d?.status), { timeout: 20_000 })
      .toEqual(['delivered', 'coalesced', 'coalesced', 'coalesced', 'coalesced', 'delivered'])
    expect(cooled.requests).toHaveLength(2)
    const [first, second] = cooled.requests
    expect(JSON.parse(first!.body).sha).toBe(sha(1))
    expect(first!.at - started).toBeLessThan(1000)
    expect(JSON.parse(second!.body).sha).toBe(sha(6))
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(3000)

    // each coalesced delivery names the delivery it was folded into; the chain ends at the one that fired
    const records = (await Promise.all(ids.map((id) => log.getDelivery(id)))) as DeliveryRecord[]
    expect(records.slice(1, 5).map((r) => r.coalesced_into)).toEqual(ids.slice(2, 6))
    expect(second!.headers['x-hookyard-delivery']).toBe(ids[5])
  }, 40_000)

  it('a worker killed with SIGKILL mid-delivery loses nothing: the other worker completes it', async () => {
    const log = createDeliveryLog(redis, storeKeys(prefix), 3600_000)
    slow.respondWith({ status: 200, delayMs: 800 })
    const res = await post(ingest.url, push(sha(99), 'slow'))
    expect(res.status).toBe(202)
    const { deliveries } = (await res.json()) as { deliveries: { id: string }[] }
    const id = deliveries[0]!.id
    await expect.poll(() => slow.requests.length, { timeout: 10_000 }).toBe(1)
    const busy = workers.find((w) => w.logs().some((l) => l['msg'] === 'delivery attempt started' && l['delivery'] === id))
    expect(busy).toBeDefined()
    await busy!.kill()
    const survivor = workers.find((w) => w !== busy)!
    await expect.poll(async () => (await log.getDelivery(id))?.status, { timeout: 30_000 }).toBe('delivered')
    expect(survivor.logs().some((l) => l['msg'] === 'delivery attempt' && l['delivery'] === id && l['outcome'] === 'delivered')).toBe(true)
    expect(slow.requests.length).toBe(2)
    expect(slow.requests.map((r) => r.headers['x-hookyard-delivery'])).toEqual([id, id])
  }, 45_000)
})
