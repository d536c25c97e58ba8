import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'
import {
  adminClient,
  type AdminClient,
  type DeliveryDetail,
  type DeliveryItem,
  type ErrorBody,
  type EventDetail,
  type EventItem,
  type Page,
} from '../helpers/admin-client.ts'

const APP_TOKEN = 'app-source-token-4f9a2c'
const CI_TOKEN = 'ci-target-token-b7e1d3'

const RULES = `
sources:
  app:
    type: generic
    secret: \${APP_TOKEN}
targets:
  ci:
    type: http
    url: \${CI_URL}/build
    headers: { Authorization: "Bearer \${CI_TOKEN}" }
  flaky:
    type: http
    url: \${FLAKY_URL}/hook
    retry: { attempts: 2, backoff: 100ms, max_backoff: 200ms }
routes:
  - name: builds
    source: app
    when: body.kind = "build"
    to: [ci]
    map: '{ "body": { "n": body.n, "note": body.note } }'
  - name: alerts
    source: app
    when: body.kind = "alert"
    to: [flaky]
    map: '{ "body": { "n": body.n } }'
`

describe('admin API (delivery log, replay, retry-failed)', () => {
  let ci: CaptureServer
  let flaky: CaptureServer
  let hy: TestHookyard
  let api: AdminClient

  beforeAll(async () => {
    ci = await startCaptureServer()
    flaky = await startCaptureServer()
    hy = await startTestHookyard({
      rules: { 'app.yaml': RULES },
      env: { APP_TOKEN, CI_TOKEN, CI_URL: ci.url, FLAKY_URL: flaky.url },
    })
    api = adminClient(hy.url, hy.adminToken)
  })
  afterAll(async () => {
    await hy.stop()
    await ci.close()
    await flaky.close()
  })

  async function send(body: Record<string, unknown>): Promise<{ event: string; deliveries: { id: string }[] }> {
    const res = await hy.post('app', JSON.stringify(body), { 'content-type': 'application/json' }, `?token=${APP_TOKEN}`)
    expect(res.status).toBeLessThan(300)
    return (await res.json()) as { event: string; deliveries: { id: string }[] }
  }

  async function settled(id: string): Promise<DeliveryDetail> {
    const detail = () => api.get<DeliveryDetail>(`/api/deliveries/${id}`)
    await expect.poll(async () => (await detail()).json.delivery.status, { timeout: 15_000 }).toMatch(/^(delivered|failed)$/)
    return (await detail()).json
  }

  it('answers 401 without a token, with a wrong one and with a wrong one of the same length', async () => {
    const same = hy.adminToken.replace(/^./, (ch) => (ch === 'x' ? 'y' : 'x'))
    expect(same).toHaveLength(hy.adminToken.length)
    for (const token of [null, 'nope', same]) {
      const res = await adminClient(hy.url, token).get<ErrorBody>('/api/events')
      expect(res.status).toBe(401)
      expect(res.json).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } })
    }
    const basic = await fetch(`${hy.url}/api/summary`, { headers: { authorization: `Basic ${hy.adminToken}` } })
    expect(basic.status).toBe(401)
    expect((await api.get('/api/summary')).status).toBe(200)
  })

  it('lists, filters and pages events and deliveries, newest first', async () => {
    const matched: string[] = []
    for (let n = 1; n <= 5; n++) {
      matched.push((await send({ kind: 'build', n, note: `build ${n}` })).event)
    }
    const unmatched = [(await send({ kind: 'noise', n: 6 })).event, (await send({ kind: 'noise', n: 7 })).event]

    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: Page<EventItem> = (await api.get<Page<EventItem>>(`/api/events?source=app&status=matched&limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json
      expect(page.items.length).toBeLessThanOrEqual(2)
      seen.push(...page.items.map((e) => e.id))
      cursor = page.next_cursor
    } while (cursor)
    expect(seen).toEqual([...matched].reverse())

    const noise = (await api.get<Page<EventItem>>('/api/events?status=unmatched')).json
    expect(noise.items.map((e) => e.id)).toEqual([...unmatched].reverse())
    expect(noise.items[0]).toMatchObject({ source: 'app', type: 'generic', deliveries: { total: 0 } })
    expect(noise.items[0]!.routes).toEqual([
      { route: 'builds', status: 'not_matched', reason: expect.stringContaining('when is false') },
      { route: 'alerts', status: 'not_matched', reason: expect.stringContaining('when is false') },
    ])

    const third = (await api.get<EventDetail>(`/api/events/${matched[2]}`)).json.event
    const window = (await api.get<Page<EventItem>>(`/api/events?status=matched&from=${third.received_at}&to=${third.received_at}`)).json
    expect(window.items.map((e) => e.id)).toContain(matched[2])
    expect((await api.get('/api/events?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z')).json).toEqual({ items: [], next_cursor: null })

    for (const id of matched) {
      await expect.poll(async () => (await api.get<EventDetail>(`/api/events/${id}`)).json.event.deliveries.delivered, { timeout: 10_000 }).toBe(1)
    }
    const deliveries = (await api.get<Page<DeliveryItem>>('/api/deliveries?route=builds&target=ci&status=delivered&source=app&limit=3')).json
    expect(deliveries.items).toHaveLength(3)
    expect(deliveries.items[0]).toMatchObject({ event: matched[4], route: 'builds', target: 'ci', source: 'app', status: 'delivered', attempts_made: 1 })
    expect(deliveries.items[0]!.request).toMatchObject({ method: 'POST', url: `${ci.url}/build`, body: '{"n":5,"note":"build 5"}', body_truncated: false })
    const rest = (await api.get<Page<DeliveryItem>>(`/api/deliveries?route=builds&status=delivered&cursor=${deliveries.next_cursor}`)).json
    expect(rest.items.map((d) => d.event)).toEqual([matched[1], matched[0]])
    expect(rest.next_cursor).toBeNull()
  })

  it('rejects bad filters with 400 and unknown records with 404', async () => {
    for (const query of ['limit=0', 'limit=1000', 'status=bogus', 'from=yesterday', 'cursor=garbage']) {
      const res = await api.get<ErrorBody>(`/api/events?${query}`)
      expect(res.status, query).toBe(400)
      expect(res.json.error.code).toBe('QUERY_INVALID')
    }
    expect((await api.get('/api/deliveries?status=lost')).status).toBe(400)
    expect((await api.get('/api/events/ev_nope')).status).toBe(404)
    expect((await api.get('/api/deliveries/ev_nope-1')).status).toBe(404)
    expect((await api.get('/api/deliveries/a:b')).status).toBe(404)
    expect((await api.post('/api/deliveries/ev_nope-1/replay')).status).toBe(404)
    expect((await api.post('/api/events/ev_nope/rerun')).status).toBe(404)
    expect((await api.post('/api/targets/nope/retry-failed')).status).toBe(404)
  })

  it('finds a failed delivery, shows every attempt, and replays it byte for byte once the target is fixed', async () => {
    flaky.fallback = { status: 500, body: 'boom: database down', headers: { 'x-trace': 't-1' } }
    const sent = await send({ kind: 'alert', n: 42 })
    const failedId = sent.deliveries[0]!.id
    expect((await settled(failedId)).delivery.status).toBe('failed')

    const found = (await api.get<Page<DeliveryItem>>('/api/deliveries?status=failed&target=flaky')).json
    expect(found.items.map((d) => d.id)).toContain(failedId)

    const detail = (await api.get<DeliveryDetail>(`/api/deliveries/${failedId}`)).json
    expect(detail.delivery).toMatchObject({ id: failedId, event: sent.event, source: 'app', status: 'failed', attempts_made: 2, max_attempts: 2, error: 'HTTP 500' })
    expect(detail.attempts.map((a) => [a.attempt, a.status, a.outcome])).toEqual([
      [1, 500, 'retry'],
      [2, 500, 'failed'],
    ])
    for (const a of detail.attempts) {
      expect(a.duration_ms).toBeGreaterThanOrEqual(0)
      expect(a.response_excerpt).toBe('boom: database down')
      expect(a.response_headers['x-trace']).toBe('t-1')
    }

    flaky.fallback = { status: 200, body: 'ok' }
    const original = flaky.requests.at(-1)!
    const replay = await api.post<{ delivery: Partial<DeliveryItem> }>(`/api/deliveries/${failedId}/replay`)
    expect(replay.status).toBe(202)
    const replayId = String(replay.json.delivery.id)
    expect(replay.json.delivery).toEqual({ id: replayId, route: 'alerts', target: 'flaky', status: 'queued', replay_of: failedId })
    expect(replayId).not.toBe(failedId)
    expect(replayId).not.toContain(':')

    expect((await settled(replayId)).delivery).toMatchObject({ status: 'delivered', replay_of: failedId, event: sent.event })
    const resent = flaky.requests.at(-1)!
    expect(resent.body).toBe(original.body)
    expect(resent.headers['x-hookyard-delivery']).toBe(replayId)
    expect(original.headers['x-hookyard-delivery']).toBe(failedId)
    expect(resent.headers['content-type']).toBe(original.headers['content-type'])

    const event = (await api.get<EventDetail>(`/api/events/${sent.event}`)).json
    expect(event.deliveries.map((d) => d.id)).toEqual([failedId, replayId])
    expect(event.event.deliveries).toMatchObject({ total: 2, delivered: 1, failed: 1 })
  })

  it('retry-failed replays every failed delivery of a target once', async () => {
    flaky.fallback = { status: 503, body: 'unavailable' }
    const ids = [(await send({ kind: 'alert', n: 1 })).deliveries[0]!.id, (await send({ kind: 'alert', n: 2 })).deliveries[0]!.id]
    for (const id of ids) {
      expect((await settled(id)).delivery.status).toBe('failed')
    }
    flaky.fallback = { status: 200, body: 'ok' }
    flaky.requests.length = 0

    const res = await api.post<{ retried: number; deliveries: string[] }>('/api/targets/flaky/retry-failed')
    expect(res.status).toBe(202)
    expect(res.json.retried).toBe(2) // the delivery replayed in the test before is not sent again
    expect(res.json.deliveries.map((id) => id.replace(/-r\d+$/, '')).sort()).toEqual([...ids].sort())
    for (const id of res.json.deliveries) {
      expect((await settled(id)).delivery.status).toBe('delivered')
    }
    expect(flaky.requests.map((r) => (JSON.parse(r.body) as { n: number }).n).sort()).toEqual([1, 2])
    expect((await api.post('/api/targets/flaky/retry-failed')).json).toMatchObject({ retried: 0, deliveries: [] })
  })

  it('summarises rules, counts and the queue', async () => {
    const summary = (await api.get<{ counts: { events_24h: number; deliveries: Record<string, number> } }>('/api/summary')).json
    expect(summary).toMatchObject({
      rules_version: hy.app.ruleSet().version,
      sources: ['app'],
      targets: ['ci', 'flaky'],
      routes: ['builds', 'alerts'],
      counts: { events_24h: expect.any(Number), deliveries: { delivered: expect.any(Number), failed: expect.any(Number) } },
      queue: { waiting: expect.any(Number), active: expect.any(Number), delayed: expect.any(Number), failed: expect.any(Number), completed: expect.any(Number) },
    })
    expect(summary.counts.events_24h).toBeGreaterThanOrEqual(10)
    expect(summary.counts.deliveries.failed).toBeGreaterThanOrEqual(3)
  })

  it('shows the stored request, envelope and explain trace, never a secret', async () => {
    ci.respondWith({ status: 200, body: `echo ${APP_TOKEN}`, headers: { 'set-cookie': `session=${APP_TOKEN}` } })
    const sent = await send({ kind: 'build', n: 99, note: `pasted ${APP_TOKEN} and ${CI_TOKEN}` })
    const deliveryId = sent.deliveries[0]!.id
    await settled(deliveryId)
    expect(ci.requests.at(-1)!.headers['authorization']).toBe(`Bearer ${CI_TOKEN}`)

    const event = await api.get<EventDetail>(`/api/events/${sent.event}`)
    expect(event.json.event).toMatchObject({
      id: sent.event,
      routes: [{ route: 'builds', status: 'matched' }, { route: 'alerts', status: 'not_matched' }],
      envelope: { push: null, pushes: [], pull_request: null, package: null, query: { token: '***' } },
      request: { method: 'POST', query: { token: '***' }, body_truncated: false },
    })
    expect(event.json.event.request.body).toContain('pasted *** and ***')
    const delivery = await api.get<DeliveryDetail>(`/api/deliveries/${deliveryId}`)
    expect(delivery.json.delivery.request?.headers['Authorization']).toBe('***')
    expect(delivery.json.attempts[0]!.response_excerpt).toBe('echo ***')
    expect(delivery.json.attempts[0]!.response_headers['set-cookie']).toBe('***')

    const texts = [event.text, delivery.text]
    for (const path of ['/api/events', '/api/deliveries', '/api/summary', `/api/deliveries?target=ci`]) {
      texts.push((await api.get(path)).text)
    }
    for (const text of texts) {
      expect(text).not.toContain(APP_TOKEN)
      expect(text).not.toContain(CI_TOKEN)
    }
  })
})
