import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminClient, type AdminClient, type DeliveryItem, type ErrorBody, type EventDetail, type Page } from '../helpers/admin-client.ts'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'

const TOKEN = 'repo-source-token-77c1e0'
const BITRISE_TOKEN = 'bitrise-trigger-token-0d9f'

/** `fixed: false` is the rule as first written: a typo in the map and a bitrise map without branch. */
function rules(fixed: boolean): Record<string, string> {
  return {
    'repo.yaml': `
sources:
  repo: { type: generic, secret: "\${TOKEN}" }
targets:
  ci: { type: http, url: "\${URL}/trigger" }
  ios: { type: bitrise, url: "\${URL}", app_slug: abc123, token: "\${BITRISE_TOKEN}" }
routes:
  - name: ci-on-push
    source: repo
    to: [ci]
    map: '{ "body": { "branch": ${fixed ? 'body.branch' : 'body.brnch'} } }'
  - name: ios-on-push
    source: repo
    to: [ios]
    map: '${fixed ? '{ "branch": body.branch, "commit_hash": body.sha }' : '{ "commit_hash": body.sha }'}'
`,
  }
}

describe('admin API: re-run an event against fixed rules', () => {
  let target: CaptureServer
  let before: TestHookyard
  let after: TestHookyard

  beforeAll(async () => {
    target = await startCaptureServer()
    const env = { TOKEN, BITRISE_TOKEN, URL: target.url, HOOKYARD_PREFIX: `t${randomUUID().slice(0, 8)}` }
    before = await startTestHookyard({ rules: rules(false), env })
    // hot reload is not what is tested here: a second process on the same Redis prefix has the fixed rules
    after = await startTestHookyard({ rules: rules(true), env })
  })
  afterAll(async () => {
    await before.stop()
    await after.stop()
    await target.close()
  })

  it('sends the corrected request, as a new event that points at the original', async () => {
    const body = JSON.stringify({ branch: 'main', sha: 'c0ffee12' })
    const res = await before.post('repo', body, { 'content-type': 'application/json', 'x-hookyard-token': TOKEN })
    expect(res.status).toBe(202)
    const original = (await res.json()) as { event: string; deliveries: { id: string; target: string; status: string }[] }
    await expect.poll(() => target.requests.length, { timeout: 10_000 }).toBe(1)
    expect(JSON.parse(target.requests[0]!.body)).toEqual({})

    const api: AdminClient = adminClient(before.url, before.adminToken)
    const broken = original.deliveries.find((d) => d.target === 'ios')!
    expect(broken.status).toBe('failed')
    const refused = await api.post<ErrorBody>(`/api/deliveries/${broken.id}/replay`)
    expect(refused.status).toBe(409)
    expect(refused.json.error.code).toBe('NO_REQUEST')

    const fixedApi = adminClient(after.url, after.adminToken)
    const rerun = await fixedApi.post<{ event: string; deliveries: { id: string; target: string; status: string }[] }>(`/api/events/${original.event}/rerun`)
    expect(rerun.status).toBe(202)
    expect(rerun.json).toMatchObject({
      rerun_of: original.event,
      routes: [
        { route: 'ci-on-push', status: 'matched' },
        { route: 'ios-on-push', status: 'matched' },
      ],
    })
    expect(rerun.json.event).not.toBe(original.event)
    expect(rerun.json.deliveries.map((d) => [d.target, d.status])).toEqual([
      ['ci', 'queued'],
      ['ios', 'queued'],
    ])

    await expect.poll(() => target.requests.length, { timeout: 10_000 }).toBe(3)
    const ci = target.requests.find((r) => r.url === '/trigger' && r !== target.requests[0])!
    expect(JSON.parse(ci.body)).toEqual({ branch: 'main' })
    const ios = target.requests.find((r) => r.url === '/app/abc123/build/start.json')!
    expect((JSON.parse(ios.body) as { build_params: unknown }).build_params).toEqual({ branch: 'main', commit_hash: 'c0ffee12' })
    const ids = rerun.json.deliveries.map((d) => d.id)
    expect([ci.headers['x-hookyard-delivery'], ios.headers['x-hookyard-delivery']].sort()).toEqual([...ids].sort())

    // either process shows both events: they share the Redis prefix
    const event = (await api.get<EventDetail>(`/api/events/${rerun.json.event}`)).json.event
    expect(event).toMatchObject({ rerun_of: original.event, rules_version: after.app.ruleSet().version })
    expect(event.rules_version).not.toBe(before.app.ruleSet().version)
    expect(JSON.stringify(event)).not.toContain(BITRISE_TOKEN)
    expect(JSON.stringify(event)).not.toContain(TOKEN)
    const delivered = (await fixedApi.get<Page<DeliveryItem>>(`/api/deliveries?status=delivered&target=ios`)).json
    expect(delivered.items.map((d) => d.event)).toEqual([rerun.json.event])
    expect(delivered.items[0]!.request?.body).toContain('"build_trigger_token":"***"')
  })
})

describe('retention by count', () => {
  let target: CaptureServer
  let hy: TestHookyard

  beforeAll(async () => {
    target = await startCaptureServer()
    hy = await startTestHookyard({ rules: rules(true), env: { TOKEN, BITRISE_TOKEN, URL: target.url, RETENTION_COUNT: '3' } })
  })
  afterAll(async () => {
    await hy.stop()
    await target.close()
  })

  it('keeps only the newest RETENTION_COUNT events, with their deliveries', async () => {
    const events: { event: string; deliveries: { id: string }[] }[] = []
    for (let n = 0; n < 5; n++) {
      const res = await hy.post('repo', JSON.stringify({ branch: `b${n}`, sha: `${n}`.repeat(8) }), { 'content-type': 'application/json', 'x-hookyard-token': TOKEN })
      expect(res.status).toBe(202)
      events.push((await res.json()) as (typeof events)[number])
    }
    const api = adminClient(hy.url, hy.adminToken)
    const listed = (await api.get<Page<{ id: string }>>('/api/events')).json
    expect(listed.items.map((e) => e.id)).toEqual(events.slice(2).map((e) => e.event).reverse())
    expect(await hy.redis.zcard(`{${hy.prefix}}:events`)).toBe(3)
    expect(await hy.redis.zcard(`{${hy.prefix}}:deliveries`)).toBe(6)
    for (const old of events.slice(0, 2)) {
      expect((await api.get(`/api/events/${old.event}`)).status).toBe(404)
      expect(await hy.redis.exists(`{${hy.prefix}}:event:${old.event}`)).toBe(0)
    }
  })
})
