import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createDeliveryLog } from '../../src/store/delivery-log.ts'
import { storeKeys } from '../helpers/store-keys.ts'
import type { DeliveryRecord } from '../../src/store/records.ts'
import type { Notification } from '../../src/notify/notification.ts'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { githubBranchPush } from '../helpers/fixtures.ts'
import { startHookyardProcess, writeRules, type HookyardProcess } from '../helpers/hookyard-process.ts'
import { githubHeaders } from '../helpers/sign.ts'

const SECRET = 'flow-control-test-secret-01'
const ADMIN_TOKEN = 'flow-control-admin-token-0001'

function push(sha: string, branch: string): string {
  const payload = githubBranchPush()
  payload['after'] = sha
  payload['ref'] = `refs/heads/${branch}`
  return JSON.stringify(payload)
}

function sha(n: number): string {
  return n.toString(16).padStart(40, 'b')
}

async function post(url: string, body: string): Promise<{ id: string; target: string }[]> {
  const res = await fetch(`${url}/hooks/github`, { method: 'POST', body, headers: githubHeaders(SECRET, 'push', body) })
  expect(res.status).toBe(202)
  return ((await res.json()) as { deliveries: { id: string; target: string }[] }).deliveries
}

interface TargetItem {
  name: string
  state: string
  paused: boolean
  concurrency: number | null
  circuit: { failures: number; pause_ms: number } | null
}

async function targets(url: string): Promise<TargetItem[]> {
  const res = await fetch(`${url}/api/targets`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
  expect(res.status).toBe(200)
  return ((await res.json()) as { items: TargetItem[] }).items
}

describe('flow control and alerts across real processes (1 ingest + 2 workers)', () => {
  let capped: CaptureServer
  let newest: CaptureServer
  let flaky: CaptureServer
  let broken: CaptureServer
  let alerts: CaptureServer
  let ingest: HookyardProcess
  let workers: HookyardProcess[] = []
  let redis: Redis
  const prefix = `fc${randomUUID().slice(0, 8)}`
  const received = (): Notification[] => alerts.requests.map((r) => JSON.parse(r.body) as Notification)

  beforeAll(async () => {
    ;[capped, newest, flaky, broken, alerts] = await Promise.all([startCaptureServer(), startCaptureServer(), startCaptureServer(), startCaptureServer(), startCaptureServer()])
    capped.fallback = { status: 200, delayMs: 700 }
    newest.fallback = { status: 200, delayMs: 700 }
    flaky.fallback = { status: 500, body: 'flaky is down' }
    broken.fallback = { status: 404, body: 'no such job' }
    const rulesDir = writeRules({
      'github.yaml': `
sources:
  github: { type: github, secret: "\${SECRET}" }
targets:
  capped:
    type: http
    url: ${capped.url}/build
    concurrency: 1
    timeout: 3s
  newest:
    type: http
    url: ${newest.url}/build
    concurrency: 1
    supersede: true
    cooldown_key: push.branch
    timeout: 3s
  flaky:
    type: http
    url: ${flaky.url}/build
    circuit: { failures: 3, pause: 3s }
    retry: { attempts: 8, backoff: 200ms, max_backoff: 400ms }
    timeout: 2s
  broken:
    type: http
    url: ${broken.url}/build
    timeout: 2s
notify:
  ops:
    type: http
    url: ${alerts.url}/alerts
    on: [delivery_failed, target_paused, target_resumed]
routes:
  - { name: cap, source: github, when: '$substring(push.branch, 0, 4) = "cap-"', to: capped, map: '{ "body": { "sha": push.sha, "branch": push.branch } }' }
  - { name: sup, source: github, when: 'push.branch = "sup"', to: newest, map: '{ "body": { "sha": push.sha } }' }
  - { name: flaky, source: github, when: 'push.branch = "flaky"', to: flaky, map: '{ "body": { "sha": push.sha } }' }
  - { name: broken, source: github, when: 'push.branch = "broken"', to: broken, map: '{ "body": { "sha": push.sha } }' }
`,
    })
    const env = { REDIS_URL: inject('redisUrl'), RULES_DIR: rulesDir, HOOKYARD_PREFIX: prefix, SECRET, HOOKYARD_ADMIN_TOKEN: ADMIN_TOKEN }
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
    redis?.disconnect()
    await Promise.all([capped, newest, flaky, broken, alerts].map((s) => s?.close()))
  })

  const statuses = async (ids: string[]) => {
    const log = createDeliveryLog(redis, storeKeys(prefix), 3600_000)
    return (await Promise.all(ids.map((id) => log.getDelivery(id)))) as DeliveryRecord[]
  }

  it('concurrency 1, two workers, a 700 ms target: 4 pushes on 4 branches are all delivered, never two requests open at once', async () => {
    const ids: string[] = []
    for (let i = 1; i <= 4; i++) {
      ids.push((await post(ingest.url, push(sha(i), `cap-${i}`)))[0]!.id)
    }
    await expect.poll(async () => (await statuses(ids)).map((d) => d.status), { timeout: 20_000 }).toEqual(['delivered', 'delivered', 'delivered', 'delivered'])
    expect(capped.requests).toHaveLength(4)
    expect(capped.maxOpen).toBe(1)
    expect(new Set(capped.requests.map((r) => (JSON.parse(r.body) as { branch: string }).branch))).toEqual(new Set(['cap-1', 'cap-2', 'cap-3', 'cap-4']))
    // one at a time: each request starts after the previous one was answered
    const at = capped.requests.map((r) => r.at)
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(690)
    // every attempt is logged once, by one of the workers (the line is written after the record,
    // and reaches this process through a pipe: wait for it)
    const attemptsLogged = () => workers.map((w) => w.logs().filter((l) => l['msg'] === 'delivery attempt' && ids.includes(String(l['delivery']))).length)
    await expect.poll(() => attemptsLogged().reduce((a, b) => a + b, 0), { timeout: 5_000 }).toBe(4)
  }, 40_000)

  it('supersede: 4 quick pushes to one branch while the first is sent: exactly 2 requests, the second carrying the 4th push', async () => {
    const ids = [(await post(ingest.url, push(sha(11), 'sup')))[0]!.id]
    await expect.poll(() => newest.requests.length, { timeout: 10_000 }).toBe(1)
    for (let i = 12; i <= 14; i++) {
      ids.push((await post(ingest.url, push(sha(i), 'sup')))[0]!.id)
    }
    await expect.poll(async () => (await statuses(ids)).map((d) => d.status), { timeout: 20_000 }).toEqual(['delivered', 'superseded', 'superseded', 'delivered'])
    const records = await statuses(ids)
    expect(records.slice(1, 3).map((r) => r.superseded_by)).toEqual(ids.slice(2, 4))
    // nothing else follows
    await new Promise((r) => setTimeout(r, 1500))
    expect(newest.requests).toHaveLength(2)
    expect(newest.requests.map((r) => (JSON.parse(r.body) as { sha: string }).sha)).toEqual([sha(11), sha(14)])
    expect(newest.requests[1]!.headers['x-hookyard-delivery']).toBe(ids[3])
    expect(newest.maxOpen).toBe(1)
    const metrics = await (await fetch(`${workers[0]!.url}/metrics`)).text()
    const other = await (await fetch(`${workers[1]!.url}/metrics`)).text()
    const count = (text: string) => Number(/hookyard_superseded_total\{target="newest"\} (\d+)/.exec(text)?.[1] ?? 0)
    expect(count(metrics) + count(other)).toBe(2)
  }, 40_000)

  it('circuit: 3 failures pause the target about 3 s (visible in the API, target_paused sent); on recovery the queued deliveries go and target_resumed arrives', async () => {
    const first = (await post(ingest.url, push(sha(21), 'flaky')))[0]!.id
    await expect.poll(() => flaky.requests.length, { timeout: 10_000 }).toBe(3)
    const thirdAt = flaky.requests[2]!.at
    await expect.poll(async () => (await targets(ingest.url)).find((t) => t.name === 'flaky')?.state, { timeout: 3_000 }).toBe('paused')
    await expect.poll(() => received().filter((n) => n.type === 'target_paused').length, { timeout: 10_000 }).toBe(1)
    const paused = received().find((n) => n.type === 'target_paused')!
    expect(paused.target).toBe('flaky')
    expect(paused.message).toMatch(/paused/)
    // a delivery queued during the pause waits (using no attempt) and goes after the recovery
    const second = (await post(ingest.url, push(sha(22), 'flaky')))[0]!.id
    flaky.fallback = { status: 200 }
    await expect.poll(async () => (await statuses([first, second])).map((d) => d.status), { timeout: 20_000 }).toEqual(['delivered', 'delivered'])
    const fourthAt = flaky.requests[3]!.at
    expect(fourthAt - thirdAt).toBeGreaterThanOrEqual(2_900)
    expect(fourthAt - thirdAt).toBeLessThan(9_000)
    expect(flaky.requests).toHaveLength(5)
    const [firstRecord, secondRecord] = await statuses([first, second])
    expect(firstRecord!.attempts_made).toBe(4)
    expect(secondRecord!.attempts_made).toBe(1)
    await expect.poll(() => received().filter((n) => n.type === 'target_resumed').length, { timeout: 10_000 }).toBe(1)
    expect((await targets(ingest.url)).find((t) => t.name === 'flaky')?.state).toBe('active')
  }, 60_000)

  it('a delivery that fails for good produces delivery_failed with route, target, status and excerpt', async () => {
    const id = (await post(ingest.url, push(sha(31), 'broken')))[0]!.id
    await expect.poll(() => received().filter((n) => n.type === 'delivery_failed').length, { timeout: 15_000 }).toBe(1)
    const failed = received().find((n) => n.type === 'delivery_failed')!
    expect(failed).toMatchObject({ type: 'delivery_failed', target: 'broken', route: 'broken', delivery: id, status: 404, excerpt: 'no such job' })
    expect(Date.parse(failed.at)).toBeGreaterThan(0)
    expect(alerts.requests.at(-1)!.headers['content-type']).toBe('application/json')
  }, 30_000)

  it('a worker killed with SIGKILL while holding the only slot does not keep it: its lease runs out and every delivery goes', async () => {
    capped.requests.length = 0
    capped.maxOpen = 0
    capped.fallback = { status: 200, delayMs: 1500 }
    const first = (await post(ingest.url, push(sha(41), 'cap-kill')))[0]!.id
    await expect.poll(() => capped.requests.length, { timeout: 10_000 }).toBe(1)
    const second = (await post(ingest.url, push(sha(42), 'cap-kill-2')))[0]!.id
    const busy = workers.find((w) => w.logs().some((l) => l['msg'] === 'delivery attempt started' && l['delivery'] === first))!
    await busy.kill()
    await expect.poll(async () => (await statuses([first, second])).map((d) => d.status), { timeout: 45_000, interval: 500 }).toEqual(['delivered', 'delivered'])
    // the killed attempt is sent again (at least once), never alongside another
    expect(capped.requests.map((r) => r.headers['x-hookyard-delivery']).filter((id) => id === first).length).toBeGreaterThanOrEqual(2)
    expect(capped.maxOpen).toBe(1)
  }, 60_000)
})
