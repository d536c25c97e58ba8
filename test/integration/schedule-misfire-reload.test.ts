import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'
import { waitUntil } from '../helpers/wait-until.ts'

const HOUR = 3600_000

/** `schedules`: name -> its YAML flow mapping; one route sends every tick of them all to `ci`. */
const rules = (target: string, schedules: Record<string, string>) => `
sources:
${Object.entries(schedules).map(([name, def]) => `  ${name}: ${def}`).join('\n')}
targets:
  ci:
    type: http
    url: ${target}/build
routes:
  - name: every-tick
    source: [${Object.keys(schedules).join(', ')}]
    to: ci
    map: '{ "body": { "source": source, "delivery": delivery, "fire_time": schedule.fire_time, "body": body } }'
`

/** A process started after `last_fire`, as if every worker had been down since then. */
async function startAfterDowntime(target: string, schedules: Record<string, string>, lastFires: Record<string, Date>): Promise<TestHookyard> {
  const prefix = `mf${randomUUID().slice(0, 8)}`
  const redis = new Redis(inject('redisUrl'))
  for (const [name, at] of Object.entries(lastFires)) {
    await redis.hset(`{${prefix}}:schedule:${name}`, 'last_fire', at.toISOString(), 'last_event', 'ev_before')
  }
  redis.disconnect()
  return startTestHookyard({ rules: { 'rules.yaml': rules(target, schedules) }, env: { HOOKYARD_PREFIX: prefix } })
}

const bodies = (capture: CaptureServer) => capture.requests.map((r) => JSON.parse(r.body) as { source: string; delivery: string; fire_time: string; body: { v?: number } })
const logged = (hy: TestHookyard, msg: string) => hy.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === msg)

describe('missed ticks', () => {
  let capture: CaptureServer
  const running: TestHookyard[] = []
  beforeAll(async () => {
    capture = await startCaptureServer()
  })
  afterAll(async () => {
    await Promise.all(running.map((h) => h.stop()))
    await capture.close()
  })

  it('misfire: latest (the default) fires the most recent missed tick once, and only that one', async () => {
    const lastFullHour = new Date(Math.floor(Date.now() / HOUR) * HOUR)
    const hy = await startAfterDowntime(capture.url, { hourly: '{ type: schedule, cron: "0 * * * *" }' }, { hourly: new Date(lastFullHour.getTime() - 3 * HOUR) })
    running.push(hy)
    await waitUntil(() => bodies(capture).some((b) => b.source === 'hourly'), 15_000, 'the missed tick to be delivered')
    const fired = bodies(capture).filter((b) => b.source === 'hourly')
    expect(fired).toEqual([{ source: 'hourly', delivery: `hourly@${lastFullHour.toISOString()}`, fire_time: lastFullHour.toISOString(), body: {} }])
    const res = await fetch(`${hy.url}/api/schedules`, { headers: { authorization: `Bearer ${hy.adminToken}` } })
    const { schedules } = (await res.json()) as { schedules: { name: string; last_fire: string; last_event: string; next_fire: string }[] }
    expect(schedules[0]).toMatchObject({ name: 'hourly', last_fire: lastFullHour.toISOString(), next_fire: new Date(lastFullHour.getTime() + HOUR).toISOString() })
    expect(schedules[0]!.last_event).toMatch(/^ev_/)
  })

  it('misfire: skip fires nothing missed; a missed tick over 24 h old is skipped even with latest', async () => {
    const before = capture.requests.length
    const twoYearsAgo = new Date(Date.now() - 2 * 365 * 24 * HOUR)
    const hy = await startAfterDowntime(
      capture.url,
      { hourly: '{ type: schedule, cron: "0 * * * *", misfire: skip }', yearly: '{ type: schedule, cron: "0 0 1 1 *" }' },
      { hourly: new Date(Date.now() - 5 * HOUR), yearly: twoYearsAgo }
    )
    running.push(hy)
    await waitUntil(() => logged(hy, 'missed tick skipped').length === 2, 15_000, 'both missed ticks to be skipped')
    expect(logged(hy, 'missed tick skipped').map((l) => [l['schedule'], l['misfire']]).sort()).toEqual([
      ['hourly', 'skip'],
      ['yearly', 'latest'],
    ])
    const metrics = await (await fetch(`${hy.url}/metrics`)).text()
    expect(metrics).toMatch(/^hookyard_schedule_fires_total\{schedule="hourly",outcome="missed"\} 1$/m)
    expect(metrics).toMatch(/^hookyard_schedule_fires_total\{schedule="yearly",outcome="missed"\} 1$/m)
    expect(capture.requests.length).toBe(before)
  })
})

const YEARLY = { yearly: '{ type: schedule, cron: "0 0 1 1 *" }' }

describe('hot reload of schedules', () => {
  let capture: CaptureServer
  let hy: TestHookyard
  beforeAll(async () => {
    capture = await startCaptureServer()
    hy = await startTestHookyard({ rules: { 'rules.yaml': rules(capture.url, YEARLY) } })
  })
  afterAll(async () => {
    await hy?.stop()
    await capture?.close()
  })

  it('adds a schedule, reschedules it on change, and never fires a removed one again', async () => {
    const fast = (n: number) => bodies(capture).filter((b) => b.source === 'fast').length >= n
    hy.writeRule('rules.yaml', rules(capture.url, { ...YEARLY, fast: '{ type: schedule, cron: "* * * * * *", body: { v: 1 } }' }))
    expect(await hy.app.reloadRules()).toMatchObject({ ok: true })
    await waitUntil(() => fast(2), 15_000, 'the added schedule to fire')

    // every second -> every 2 s, new body: the next ticks are even seconds and carry it
    hy.writeRule('rules.yaml', rules(capture.url, { ...YEARLY, fast: '{ type: schedule, cron: "*/2 * * * * *", body: { v: 2 } }' }))
    expect(await hy.app.reloadRules()).toMatchObject({ ok: true })
    await waitUntil(() => bodies(capture).filter((b) => b.source === 'fast' && b.body.v === 2).length >= 2, 15_000, 'the changed schedule to fire')
    const changed = bodies(capture).filter((b) => b.source === 'fast' && b.body.v === 2)
    for (const b of changed) expect(new Date(b.fire_time).getUTCSeconds() % 2).toBe(0)

    hy.writeRule('rules.yaml', rules(capture.url, YEARLY))
    expect(await hy.app.reloadRules()).toMatchObject({ ok: true })
    // a tick being fired while the reload landed may still arrive: settle, then watch for 3 s
    await new Promise((r) => setTimeout(r, 1_500))
    const afterRemoval = capture.requests.length
    await new Promise((r) => setTimeout(r, 3_000))
    expect(capture.requests.length).toBe(afterRemoval)
  }, 45_000)
})
