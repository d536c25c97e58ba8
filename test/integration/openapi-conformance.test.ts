import type { z } from '@hono/zod-openapi'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminApiDocument, adminRouteDefinitions } from '../../src/http/admin-api-document.ts'
import { adminClient, type AdminClient, type AdminReply } from '../helpers/admin-client.ts'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'

const APP_TOKEN = 'conformance-source-token-5d1e'

const RULES = `
sources:
  app:
    type: generic
    secret: \${APP_TOKEN}
  nightly:
    type: schedule
    cron: "30 0 * * *"
    body: { reason: nightly }
targets:
  ci:
    type: http
    url: \${CI_URL}/build
    circuit: { failures: 5, pause: 10s }
  broken:
    type: http
    url: \${DOWN_URL}/build
    retry: { attempts: 1 }
routes:
  - name: builds
    source: app
    when: body.kind = "build"
    to: [ci]
    map: '{ "body": { "n": body.n } }'
  - name: doomed
    source: app
    when: body.kind = "doomed"
    to: [broken]
    map: '{ "body": { "n": body.n } }'
  - name: nightly-build
    source: nightly
    to: ci
    map: '{ "body": { "reason": body.reason } }'
`

interface Documented {
  content?: { 'application/json': { schema: z.ZodType } }
}

/**
 * The answer matches what its route's definition documents for that status: the status is
 * listed, and the body parses with the (strict) response schema, so a field the reference
 * does not name fails here.
 */
function expectDocumented(method: 'get' | 'post', path: string, res: AdminReply<unknown>): void {
  const route = adminRouteDefinitions.find((r) => r.method === method && r.path === path)
  expect(route, `${method} ${path} has a definition`).toBeDefined()
  const response = (route!.responses as Record<number, Documented | undefined>)[res.status]
  expect(response, `${method.toUpperCase()} ${path} answered ${res.status}, which its definition does not list: ${res.text}`).toBeDefined()
  const parsed = response!.content!['application/json'].schema.safeParse(res.json)
  expect(parsed.success ? [] : parsed.error.issues, `${method.toUpperCase()} ${path} ${res.status}: ${res.text}`).toEqual([])
}

describe('admin API answers as its reference documents them', () => {
  let ci: CaptureServer
  let down: CaptureServer
  let hy: TestHookyard
  let api: AdminClient

  beforeAll(async () => {
    ci = await startCaptureServer()
    down = await startCaptureServer()
    down.fallback = { status: 500, body: 'database down', headers: {} }
    hy = await startTestHookyard({ rules: { 'app.yaml': RULES }, env: { APP_TOKEN, CI_URL: ci.url, DOWN_URL: down.url } })
    api = adminClient(hy.url, hy.adminToken)
  })
  afterAll(async () => {
    await hy.stop()
    await ci.close()
    await down.close()
  })

  async function send(body: Record<string, unknown>): Promise<{ event: string; deliveries: { id: string }[] }> {
    const res = await hy.post('app', JSON.stringify(body), { 'content-type': 'application/json' }, `?token=${APP_TOKEN}`)
    expect(res.status).toBeLessThan(300)
    return (await res.json()) as { event: string; deliveries: { id: string }[] }
  }

  async function settled(id: string, status: string): Promise<void> {
    await expect.poll(async () => (await api.get<{ delivery: { status: string } }>(`/api/deliveries/${id}`)).json.delivery.status, { timeout: 15_000 }).toBe(status)
  }

  it('serves the reference behind the admin token, the same document docs/openapi.json holds', async () => {
    const served = await api.get('/api/openapi.json')
    expect(served.status).toBe(200)
    expect(served.json).toEqual(JSON.parse(JSON.stringify(adminApiDocument())))
    expectDocumented('get', '/openapi.json', served)

    const anonymous = await adminClient(hy.url, null).get('/api/openapi.json')
    expect(anonymous.status).toBe(401)
    expectDocumented('get', '/openapi.json', anonymous)
  })

  it('events, deliveries, attempts and their error answers', async () => {
    const build = await send({ kind: 'build', n: 1 })
    const doomed = await send({ kind: 'doomed', n: 2 })
    const noise = await send({ kind: 'noise' })
    await settled(build.deliveries[0]!.id, 'delivered')
    await settled(doomed.deliveries[0]!.id, 'failed')

    expectDocumented('get', '/events', await api.get('/api/events?limit=2'))
    expectDocumented('get', '/events', await api.get('/api/events?limit=0'))
    expectDocumented('get', '/events/{id}', await api.get(`/api/events/${build.event}`))
    expectDocumented('get', '/events/{id}', await api.get(`/api/events/${noise.event}`))
    expectDocumented('get', '/events/{id}', await api.get('/api/events/a:b'))
    expectDocumented('get', '/deliveries', await api.get('/api/deliveries?status=failed'))
    expectDocumented('get', '/deliveries', await api.get('/api/deliveries?status=lost'))
    expectDocumented('get', '/deliveries/{id}', await api.get(`/api/deliveries/${build.deliveries[0]!.id}`))
    expectDocumented('get', '/deliveries/{id}', await api.get(`/api/deliveries/${doomed.deliveries[0]!.id}`))
    expectDocumented('get', '/deliveries/{id}', await api.get('/api/deliveries/ev_nope-1'))

    const replay = await api.post(`/api/deliveries/${build.deliveries[0]!.id}/replay`)
    expect(replay.status).toBe(202)
    expectDocumented('post', '/deliveries/{id}/replay', replay)
    expectDocumented('post', '/deliveries/{id}/replay', await api.post('/api/deliveries/ev_nope-1/replay'))

    const rerun = await api.post(`/api/events/${build.event}/rerun`)
    expect(rerun.status).toBe(202)
    expectDocumented('post', '/events/{id}/rerun', rerun)
    const unmatched = await api.post(`/api/events/${noise.event}/rerun`)
    expect(unmatched.status).toBe(200)
    expectDocumented('post', '/events/{id}/rerun', unmatched)
    expectDocumented('post', '/events/{id}/rerun', await api.post('/api/events/ev_nope/rerun'))
  })

  it('targets, schedules and the summary', async () => {
    const listed = await api.get<{ items: { name: string; circuit: unknown }[] }>('/api/targets')
    expectDocumented('get', '/targets', listed)
    expect(listed.json.items.find((t) => t.name === 'ci')?.circuit).toEqual({ failures: 5, pause_ms: 10_000 })
    expectDocumented('post', '/targets/{name}/pause', await api.post('/api/targets/ci/pause'))
    expectDocumented('post', '/targets/{name}/resume', await api.post('/api/targets/ci/resume'))
    expectDocumented('post', '/targets/{name}/pause', await api.post('/api/targets/nope/pause'))
    const retried = await api.post('/api/targets/broken/retry-failed')
    expect(retried.status).toBe(202)
    expectDocumented('post', '/targets/{name}/retry-failed', retried)
    expectDocumented('post', '/targets/{name}/retry-failed', await api.post('/api/targets/nope/retry-failed'))

    expectDocumented('get', '/schedules', await api.get('/api/schedules'))
    const run = await api.post('/api/schedules/nightly/run')
    expect(run.status).toBe(202)
    expectDocumented('post', '/schedules/{name}/run', run)
    expectDocumented('post', '/schedules/{name}/run', await api.post('/api/schedules/nope/run'))

    expectDocumented('get', '/summary', await api.get('/api/summary'))
  })
})
