import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { githubBranchPush } from '../helpers/fixtures.ts'
import { parsePrometheusText, sampleKey } from '../helpers/prometheus-text.ts'
import { githubHeaders } from '../helpers/sign.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'

const SECRET = 'notify-test-secret-000001'
const TARGET_TOKEN = 'target-token-must-not-leak-42'
const PUBLIC_URL = 'https://hookyard.example.com'

type Body = Record<string, unknown>

function rules(stands: Record<string, CaptureServer>): string {
  return `
sources:
  github: { type: github, secret: "\${SECRET}" }
targets:
  broken:
    type: http
    url: ${stands['broken']!.url}/build
    headers: { Authorization: "Bearer ${TARGET_TOKEN}" }
    retry: { attempts: 1 }
notify:
  chat:
    type: slack
    url: ${stands['slack']!.url}/services/T000/B000/XXXX
    on: [delivery_failed, target_paused, target_resumed, rules_invalid]
  channel:
    type: teams
    url: ${stands['teams']!.url}/workflows/abc
    on: [delivery_failed, target_paused, target_resumed, rules_invalid]
  pager:
    type: http
    url: ${stands['http']!.url}/alerts
    on: [delivery_failed, target_paused, target_resumed, rules_invalid]
  deadend:
    type: http
    url: ${stands['deadend']!.url}/alerts
    on: [delivery_failed]
routes:
  - name: every-push
    source: github
    to: broken
    map: '{ "body": { "sha": push.sha } }'
`
}

describe('notifications reach slack, teams and http stand-ins through the queue', () => {
  const stands: Record<string, CaptureServer> = {}
  let hy: TestHookyard
  const bodies = (name: string): Body[] => stands[name]!.requests.map((r) => JSON.parse(r.body) as Body)
  const admin = (path: string, method = 'GET') => fetch(`${hy.url}${path}`, { method, headers: { authorization: `Bearer ${hy.adminToken}` } })

  beforeAll(async () => {
    for (const name of ['broken', 'slack', 'teams', 'http', 'deadend']) {
      stands[name] = await startCaptureServer()
    }
    // the target echoes its token back: no notification may repeat it
    stands['broken']!.fallback = { status: 404, body: `no job for Bearer ${TARGET_TOKEN}` }
    stands['deadend']!.fallback = { status: 500, body: 'down' }
    hy = await startTestHookyard({ rules: { 'rules.yaml': rules(stands) }, env: { SECRET, HOOKYARD_PUBLIC_URL: PUBLIC_URL } })
  }, 30_000)

  afterAll(async () => {
    await hy?.stop()
    await Promise.all(Object.values(stands).map((s) => s.close()))
  })

  it('delivery_failed: each format carries route, target, delivery, status, a masked excerpt and a dashboard link', async () => {
    const body = JSON.stringify(githubBranchPush())
    const res = await hy.post('github', body, githubHeaders(SECRET, 'push', body))
    expect(res.status).toBe(202)
    const id = ((await res.json()) as { deliveries: { id: string }[] }).deliveries[0]!.id
    for (const name of ['slack', 'teams', 'http']) {
      await expect.poll(() => stands[name]!.requests.length, { timeout: 10_000 }).toBe(1)
    }
    const link = `${PUBLIC_URL}/ui#/delivery/${id}`

    const http = bodies('http')[0]!
    expect(http).toMatchObject({ type: 'delivery_failed', target: 'broken', route: 'every-push', delivery: id, status: 404, link })
    expect(Object.keys(http).sort()).toEqual(['at', 'delivery', 'excerpt', 'link', 'message', 'route', 'status', 'target', 'type'])
    expect(http['excerpt']).toBe('no job for ***')
    expect(stands['http']!.requests[0]!.url).toBe('/alerts')

    const slack = bodies('slack')[0]!
    expect(slack['text']).toMatch(/^Delivery failed: broken: /)
    const blocks = slack['blocks'] as { type: string; text: { type: string; text: string } }[]
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Delivery failed: broken' } })
    expect(blocks[1]!.text.type).toBe('mrkdwn')
    expect(blocks[1]!.text.text).toContain('*Route:* every-push')
    expect(blocks[1]!.text.text).toContain('*Status:* 404')
    expect(blocks[1]!.text.text).toContain(`<${link}|Open in hookyard>`)
    expect(stands['slack']!.requests[0]!.url).toBe('/services/T000/B000/XXXX')

    const teams = bodies('teams')[0] as { type: string; attachments: { contentType: string; content: Body }[] }
    expect(teams.type).toBe('message')
    expect(teams.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive')
    const card = teams.attachments[0]!.content as { type: string; version: string; body: Body[]; actions: Body[] }
    expect(card.type).toBe('AdaptiveCard')
    expect(card.body[0]).toMatchObject({ type: 'TextBlock', text: 'Delivery failed: broken' })
    const facts = (card.body[2] as { facts: { title: string; value: string }[] }).facts
    expect(facts).toContainEqual({ title: 'Delivery', value: id })
    expect(facts).toContainEqual({ title: 'Status', value: '404' })
    expect(card.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open in hookyard', url: link }])

    for (const name of ['slack', 'teams', 'http']) {
      expect(stands[name]!.requests[0]!.body).not.toContain(TARGET_TOKEN)
    }
  }, 30_000)

  it('a notification that fails is retried on its own and never notified about', async () => {
    await expect.poll(() => stands['deadend']!.requests.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2)
    const metrics = parsePrometheusText(await (await fetch(`${hy.url}/metrics`)).text())
    expect(metrics.samples.get(sampleKey('hookyard_notifications_total', { notify: 'deadend', outcome: 'retry' }))).toBeGreaterThanOrEqual(1)
    expect(metrics.samples.get(sampleKey('hookyard_notifications_total', { notify: 'pager', outcome: 'delivered' }))).toBe(1)
    // nothing about the failing notification reached the others
    expect(bodies('http').map((b) => b['type'])).toEqual(['delivery_failed'])
  }, 30_000)

  it('pause and resume by hand: the API and dashboard summary show it, target_paused and target_resumed are sent', async () => {
    expect((await admin('/api/targets/nope/pause', 'POST')).status).toBe(404)
    const paused = await admin('/api/targets/broken/pause', 'POST')
    expect(paused.status).toBe(200)
    expect(await paused.json()).toEqual({ target: 'broken', state: 'paused', changed: true })
    const list = (await (await admin('/api/targets')).json()) as { items: Body[] }
    expect(list.items[0]).toMatchObject({ name: 'broken', state: 'paused', paused: true, paused_by_hand: true, paused_until: null })
    expect(((await (await admin('/api/summary')).json()) as Body)['paused_targets']).toEqual(['broken'])
    const metrics = parsePrometheusText(await (await fetch(`${hy.url}/metrics`)).text())
    expect(metrics.samples.get(sampleKey('hookyard_target_paused', { target: 'broken' }))).toBe(1)
    // the readiness probe is about hookyard, not its targets
    expect((await fetch(`${hy.url}/readyz`)).status).toBe(200)
    await expect.poll(() => bodies('http').map((b) => b['type']), { timeout: 10_000 }).toEqual(['delivery_failed', 'target_paused'])
    expect(bodies('http')[1]).toMatchObject({ target: 'broken', link: `${PUBLIC_URL}/ui` })

    expect(await (await admin('/api/targets/broken/resume', 'POST')).json()).toEqual({ target: 'broken', state: 'active', changed: true })
    await expect.poll(() => bodies('http').map((b) => b['type']), { timeout: 10_000 }).toEqual(['delivery_failed', 'target_paused', 'target_resumed'])
    await expect.poll(() => bodies('slack').length, { timeout: 10_000 }).toBe(3)
    await expect.poll(() => bodies('teams').length, { timeout: 10_000 }).toBe(3)
    expect((await (await admin('/api/targets')).json()) as { items: Body[] }).toMatchObject({ items: [{ name: 'broken', state: 'active' }] })
  }, 30_000)

  it('rules_invalid: a reload that fails sends its first problems as file:line:col', async () => {
    hy.writeRule('broken.yaml', 'targets:\n  bad:\n    type: http\n    url: http://x.example\n    concurrency: 0\n')
    await hy.app.reloadRules('api')
    await expect.poll(() => bodies('http').map((b) => b['type']), { timeout: 10_000 }).toContain('rules_invalid')
    const invalid = bodies('http').find((b) => b['type'] === 'rules_invalid')!
    expect(invalid['problems']).toEqual([expect.stringMatching(/broken\.yaml:5:18 target bad: concurrency must be a whole number >= 1$/)])
    expect(invalid['message']).toMatch(/previous rules keep serving/)
  }, 30_000)
})
