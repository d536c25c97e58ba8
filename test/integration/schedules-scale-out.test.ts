import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { startHookyardProcess, writeRules, type HookyardProcess } from '../helpers/hookyard-process.ts'
import { parsePrometheusText, type PrometheusText } from '../helpers/prometheus-text.ts'
import { waitUntil } from '../helpers/wait-until.ts'

const TOKEN = 'gitlab-trigger-token-0001'
const ADMIN = 'schedule-admin-token-0001'

/** The GitLab seed's crontab line, as a rule: every 2 s here instead of nightly. */
const RULES = (gitlabUrl: string) => `
sources:
  nightly:
    type: schedule
    cron: "*/2 * * * * *"
    body: { reason: nightly }
targets:
  gitlab-pipeline:
    type: gitlab
    url: ${gitlabUrl}
    project: "9"
    token: "\${GITLAB_TOKEN}"
    api: v3
routes:
  - name: nightly-pipeline
    source: nightly
    to: [gitlab-pipeline]
    map: '{ "ref": "master", "variables": { "NIGHTLY": "1", "FIRED": schedule.fire_time } }'
`

describe('schedules across real processes (1 ingest + 2 workers)', () => {
  let gitlab: CaptureServer
  let ingest: HookyardProcess
  let workers: HookyardProcess[] = []

  beforeAll(async () => {
    gitlab = await startCaptureServer()
    const env = {
      REDIS_URL: inject('redisUrl'),
      RULES_DIR: writeRules({ 'nightly.yaml': RULES(gitlab.url) }),
      HOOKYARD_PREFIX: `sch${randomUUID().slice(0, 8)}`,
      GITLAB_TOKEN: TOKEN,
      HOOKYARD_ADMIN_TOKEN: ADMIN,
    }
    ;[ingest, ...workers] = await Promise.all([
      startHookyardProcess('ingest', env),
      startHookyardProcess('worker', env),
      startHookyardProcess('worker', env),
    ])
  }, 60_000)

  afterAll(async () => {
    await Promise.all([ingest, ...workers].map((p) => p?.stop()))
    await gitlab?.close()
  })

  it('fires each */2 s tick exactly once: 4 or 5 GitLab triggers in 9 s, each with the form body', async () => {
    const t0 = Date.now()
    await new Promise((r) => setTimeout(r, 9_000))
    const sent = gitlab.requests.filter((r) => r.at >= t0 && r.at < t0 + 9_000)
    expect([4, 5]).toContain(sent.length)
    const fireTimes = sent.map((r) => new URLSearchParams(r.body).get('variables[FIRED]')!)
    expect(new Set(fireTimes).size).toBe(fireTimes.length) // distinct schedule.fire_time values
    for (const r of sent) {
      expect(r.method).toBe('POST')
      expect(r.url).toBe('/api/v3/projects/9/trigger/builds')
      const form = new URLSearchParams(r.body)
      expect(form.get('token')).toBe(TOKEN)
      expect(form.get('ref')).toBe('master')
      expect(form.get('variables[NIGHTLY]')).toBe('1')
    }
    // consecutive ticks are 2 s apart: none skipped, none doubled
    const sorted = fireTimes.map((t) => Date.parse(t)).sort((a, b) => a - b)
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBe(2_000)
    // across both workers, every tick was stored once (each tried every tick: the loser saw a duplicate)
    const stored = workers.flatMap((w) => w.logs().filter((l) => l['msg'] === 'schedule fired').map((l) => String(l['sender_delivery'])))
    expect(new Set(stored).size).toBe(stored.length)
    expect(stored.every((d) => /^nightly@\d{4}-\d\d-\d\dT\d\d:\d\d:\d[02468]\.000Z$/.test(d))).toBe(true)
  }, 30_000)

  it('lists the schedule with its next and last fire, and runs it now on request', async () => {
    const headers = { authorization: `Bearer ${ADMIN}` }
    const list = (await (await fetch(`${ingest.url}/api/schedules`, { headers })).json()) as {
      schedules: { name: string; cron: string; timezone: string; next_fire: string; last_fire: string | null; last_event: string | null }[]
    }
    expect(list.schedules).toHaveLength(1)
    const [nightly] = list.schedules
    expect(nightly).toMatchObject({ name: 'nightly', cron: '*/2 * * * * *', timezone: 'UTC' })
    expect(Date.parse(nightly!.next_fire) % 2_000).toBe(0)
    expect(nightly!.last_fire).not.toBeNull()
    expect(nightly!.last_event).toMatch(/^ev_/)

    const before = gitlab.requests.length
    const res = await fetch(`${ingest.url}/api/schedules/nightly/run`, { method: 'POST', headers })
    expect(res.status).toBe(202)
    const body = (await res.json()) as { event: string; deliveries: { target: string }[] }
    expect(body.event).toMatch(/^ev_/)
    expect(body.deliveries.map((d) => d.target)).toEqual(['gitlab-pipeline'])
    const event = (await (await fetch(`${ingest.url}/api/events/${body.event}`, { headers })).json()) as { event: { delivery: string; event: string } }
    expect(event.event.delivery).toMatch(/^nightly@manual-\d{4}-/)
    expect(event.event.event).toBe('schedule')
    await waitUntil(() => gitlab.requests.slice(before).some((r) => r.headers['x-hookyard-delivery']?.startsWith(`${body.event}-`)), 10_000, 'the manual run to reach GitLab')

    // a schedule's event re-runs like a webhook's: same tick, current rules, a new event
    const rerun = await fetch(`${ingest.url}/api/events/${body.event}/rerun`, { method: 'POST', headers })
    expect(rerun.status).toBe(202)
    expect(await rerun.json()).toMatchObject({ rerun_of: body.event, deliveries: [{ target: 'gitlab-pipeline', status: 'queued' }] })

    const missing = await fetch(`${ingest.url}/api/schedules/nope/run`, { method: 'POST', headers })
    expect(missing.status).toBe(404)
  }, 30_000)

  it('answers a POST to the schedule under /hooks/ with 404 saying it is a schedule', async () => {
    const res = await fetch(`${ingest.url}/hooks/nightly`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })
    expect(res.status).toBe(404)
    const body = (await res.json()) as { error: { message: string } }
    expect(body.error.message).toMatch(/is a schedule/)
  })

  it('counts fires per schedule and outcome', async () => {
    const scrape = async (p: HookyardProcess): Promise<PrometheusText> => parsePrometheusText(await (await fetch(`${p.url}/metrics`)).text())
    const pages = await Promise.all(workers.map(scrape))
    const sum = (outcome: string) => pages.reduce((n, page) => n + (page.value('hookyard_schedule_fires_total', { schedule: 'nightly', outcome }) ?? 0), 0)
    expect(sum('fired')).toBeGreaterThanOrEqual(4)
    expect(sum('duplicate')).toBeGreaterThanOrEqual(1)
    expect((await scrape(ingest)).value('hookyard_schedule_fires_total', { schedule: 'nightly', outcome: 'manual' })).toBe(1)
  })

  it('keeps firing every tick once after a worker is killed', async () => {
    await workers[0]!.kill()
    const t0 = Date.now()
    await waitUntil(() => gitlab.requests.filter((r) => r.at >= t0).length >= 3, 15_000, 'three more ticks from the surviving worker')
    const fireTimes = gitlab.requests.filter((r) => r.at >= t0).map((r) => Date.parse(new URLSearchParams(r.body).get('variables[FIRED]') ?? 'manual'))
    const ticks = fireTimes.filter((t) => !Number.isNaN(t)).sort((a, b) => a - b)
    expect(new Set(ticks).size).toBe(ticks.length)
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]! - ticks[i - 1]!).toBe(2_000)
  }, 30_000)
})
