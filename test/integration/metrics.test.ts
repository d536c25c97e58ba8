import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { parsePrometheusText, type PrometheusText } from '../helpers/prometheus-text.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'

const TOKEN = 'metrics-token-0123456789'

const rules = (ci: string, cooled: string): string => `
sources:
  app:
    type: generic
    secret: ${TOKEN}
targets:
  ci:
    type: http
    url: ${ci}
    retry: { attempts: 3, backoff: 100ms, max_backoff: 200ms }
  cooled:
    type: http
    url: ${cooled}
    cooldown: 1h
routes:
  - name: ci
    source: app
    when: body.to = "ci"
    to: ci
    map: '{ "body": { "n": body.n } }'
  - name: cooled
    source: app
    when: body.to = "cooled"
    to: cooled
    map: '{ "body": { "n": body.n } }'
`

describe('GET /metrics (Prometheus text)', () => {
  let ci: CaptureServer
  let cooled: CaptureServer
  let hy: TestHookyard

  beforeAll(async () => {
    ;[ci, cooled] = await Promise.all([startCaptureServer(), startCaptureServer()])
    hy = await startTestHookyard({ rules: { 'app.yaml': rules(ci.url, cooled.url) } })
  })
  afterAll(async () => {
    await hy.stop()
    await Promise.all([ci.close(), cooled.close()])
  })

  const send = (body: unknown, token = TOKEN, source = 'app'): Promise<Response> =>
    hy.post(source, JSON.stringify(body), { 'content-type': 'application/json', 'x-hookyard-token': token })

  async function scrape(): Promise<PrometheusText> {
    const res = await fetch(`${hy.url}/metrics`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    return parsePrometheusText(await res.text())
  }

  it('is valid Prometheus text; every hookyard_ metric has HELP and TYPE; the queue gauge has every state', async () => {
    const m = await scrape()
    const names = [...m.type.keys()].filter((n) => n.startsWith('hookyard_'))
    expect(names).toEqual(
      expect.arrayContaining([
        'hookyard_events_received_total',
        'hookyard_deliveries_total',
        'hookyard_attempt_duration_seconds',
        'hookyard_retries_total',
        'hookyard_coalesced_total',
        'hookyard_queue_jobs',
        'hookyard_rule_reloads_total',
        'hookyard_rule_errors',
      ])
    )
    for (const name of names) {
      expect(m.help.get(name), name).toMatch(/\w/)
    }
    expect(m.type.get('hookyard_attempt_duration_seconds')).toBe('histogram')
    for (const state of ['waiting', 'active', 'delayed', 'failed', 'completed']) {
      expect(m.value('hookyard_queue_jobs', { state }), state).toBeGreaterThanOrEqual(0)
    }
    expect(m.value('hookyard_rule_reloads_total', { result: 'error' })).toBe(0)
    expect(m.value('hookyard_rule_errors')).toBe(0)
    // the Node process metrics come along, in this instance's own registry
    expect(m.type.get('process_cpu_user_seconds_total')).toBe('counter')
  })

  it('counts ingest outcomes by source, the deliveries, their attempts and the queue', async () => {
    expect((await send({ to: 'ci', n: 1 })).status).toBe(202)
    expect((await send({ to: 'ci', n: 2 }, 'wrong-token-0123456789')).status).toBe(401)
    expect((await send({ to: 'nowhere' })).status).toBe(200)
    expect((await send({ to: 'ci' }, TOKEN, 'no-such-source')).status).toBe(404)
    await expect.poll(() => ci.requests.length, { timeout: 10_000 }).toBe(1)

    await expect
      .poll(async () => (await scrape()).value('hookyard_deliveries_total', { target: 'ci', outcome: 'delivered' }), { timeout: 10_000 })
      .toBe(1)
    const m = await scrape()
    expect(m.value('hookyard_events_received_total', { source: 'app', outcome: 'accepted' })).toBe(1)
    expect(m.value('hookyard_events_received_total', { source: 'app', outcome: 'unauthorized' })).toBe(1)
    expect(m.value('hookyard_events_received_total', { source: 'app', outcome: 'no_match' })).toBe(1)
    // a path the sender chose never becomes a label value
    expect(m.value('hookyard_events_received_total', { source: '(unknown)', outcome: 'unknown_source' })).toBe(1)
    expect(m.value('hookyard_events_received_total', { source: 'no-such-source', outcome: 'unknown_source' })).toBeUndefined()
    expect(m.value('hookyard_attempt_duration_seconds_count', { target: 'ci', outcome: 'delivered' })).toBe(1)
    expect(m.value('hookyard_attempt_duration_seconds_bucket', { target: 'ci', outcome: 'delivered', le: '+Inf' })).toBe(1)
    expect(m.value('hookyard_attempt_duration_seconds_sum', { target: 'ci', outcome: 'delivered' })).toBeGreaterThan(0)
    await expect.poll(async () => (await scrape()).value('hookyard_queue_jobs', { state: 'completed' }), { timeout: 5_000 }).toBeGreaterThanOrEqual(1)
  })

  it('counts a retry and its attempts', async () => {
    ci.respondWith({ status: 503, body: 'busy' })
    expect((await send({ to: 'ci', n: 3 })).status).toBe(202)
    await expect
      .poll(async () => (await scrape()).value('hookyard_deliveries_total', { target: 'ci', outcome: 'delivered' }), { timeout: 10_000 })
      .toBe(2)
    const m = await scrape()
    expect(m.value('hookyard_retries_total', { target: 'ci' })).toBe(1)
    expect(m.value('hookyard_attempt_duration_seconds_count', { target: 'ci', outcome: 'retry' })).toBe(1)
    expect(m.value('hookyard_attempt_duration_seconds_count', { target: 'ci', outcome: 'delivered' })).toBe(2)
  })

  it('counts a delivery superseded during a cooldown window as coalesced', async () => {
    expect((await send({ to: 'cooled', n: 1 })).status).toBe(202)
    await expect.poll(() => cooled.requests.length, { timeout: 10_000 }).toBe(1)
    // the window (1h) is closed now: n=2 waits, then n=3 supersedes it
    expect((await send({ to: 'cooled', n: 2 })).status).toBe(202)
    expect((await send({ to: 'cooled', n: 3 })).status).toBe(202)
    await expect.poll(async () => (await scrape()).value('hookyard_coalesced_total', { target: 'cooled' }), { timeout: 10_000 }).toBe(1)
    const m = await scrape()
    expect(m.value('hookyard_deliveries_total', { target: 'cooled', outcome: 'coalesced' })).toBe(1)
    expect(m.value('hookyard_deliveries_total', { target: 'cooled', outcome: 'delivered' })).toBe(1)
    expect(cooled.requests).toHaveLength(1)
  })
})

describe('GET /metrics in the worker role', () => {
  it('is served without the ingest route, with its own registry', async () => {
    const target = await startCaptureServer()
    const worker = await startTestHookyard({ rules: { 'app.yaml': rules(target.url, target.url) }, env: { HOOKYARD_ROLE: 'worker' } })
    try {
      const res = await fetch(`${worker.url}/metrics`)
      expect(res.status).toBe(200)
      const m = parsePrometheusText(await res.text())
      expect(m.type.get('hookyard_attempt_duration_seconds')).toBe('histogram')
      // no events were received by this instance, whatever other instances in this process did
      expect([...m.samples.keys()].some((k) => k.startsWith('hookyard_events_received_total{'))).toBe(false)
      expect((await worker.post('app', '{}', { 'content-type': 'application/json' })).status).toBe(404)
    } finally {
      await worker.stop()
      await target.close()
    }
  })
})
