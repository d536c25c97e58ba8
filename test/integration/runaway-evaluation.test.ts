/**
 * A payload built to make rule evaluation run for minutes (a backtracking regex, built-ins over
 * a 50k-item array) against a real `hookyard serve` process: the webhook is answered promptly,
 * the health check keeps answering meanwhile, the event is stored with the route reported as
 * an error, the other routes still run, and SIGTERM still stops the process.
 */
import { randomUUID } from 'node:crypto'
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { adminClient, type EventDetail } from '../helpers/admin-client.ts'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { githubBranchPush } from '../helpers/fixtures.ts'
import { startHealthProbe } from '../helpers/health-probe.ts'
import { startHookyardProcess, writeRules, type HookyardProcess } from '../helpers/hookyard-process.ts'
import { githubHeaders, tokenHeaders } from '../helpers/sign.ts'

const GH = 'runaway-github-secret'
const APP = 'runaway-generic-token'
const ADMIN = 'runaway-admin-token-0123456789'
const ITEMS = 50_000

function rules(ci: string): string {
  return `
sources:
  gh: { type: github, secret: ${GH} }
  app: { type: generic, secret: ${APP} }
targets:
  ci: { type: http, url: "${ci}/build" }
routes:
  - name: release-commits
    source: gh
    when: event = "push" and $contains(push.message, /(a+)+$/)
    to: ci
  - name: every-push
    source: gh
    to: ci
    map: '{ "body": { "sha": push.sha } }'
  - name: sorted
    source: app
    when: body.kind = "sort"
    to: ci
    map: '{ "body": { "first": $sort(body.items.i)[0] } }'
  - name: spread
    source: app
    when: body.kind = "spread"
    to: ci
    map: '{ "body": { "n": $count($spread(body.items)) } }'
  - name: every-call
    source: app
    to: ci
    map: '{ "body": { "kind": body.kind } }'
`
}

interface Answer {
  status: number
  ms: number
  json: { event: string; routes: { route: string; status: string; reason?: string }[] }
}

/** Runs `work` while /healthz is probed every 10 ms; the slowest answers tell whether the event loop was blocked. */
async function whileProbingHealth<T>(base: string, work: () => Promise<T>): Promise<{ result: T; healthMs: number[] }> {
  const probe = await startHealthProbe(`${base}/healthz`)
  const outcome = await work().then(
    (result) => ({ result }),
    (err: unknown) => ({ err })
  )
  await new Promise((r) => setTimeout(r, 20))
  const healthMs = await probe.stop()
  if ('err' in outcome) throw outcome.err
  return { result: outcome.result, healthMs }
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<Answer> {
  const started = performance.now()
  const res = await fetch(url, { method: 'POST', body, headers })
  const json = (await res.json()) as Answer['json']
  return { status: res.status, ms: performance.now() - started, json }
}

function hugeCall(kind: string): string {
  return JSON.stringify({ kind, items: Array.from({ length: ITEMS }, (_, i) => ({ i: ITEMS - i, tag: `t${i % 7}` })) })
}

describe('runaway rule evaluation', () => {
  let ci: CaptureServer
  let hy: HookyardProcess

  beforeAll(async () => {
    ci = await startCaptureServer()
    hy = await startHookyardProcess('all', {
      REDIS_URL: inject('redisUrl'),
      RULES_DIR: writeRules({ 'r.yaml': rules(ci.url) }),
      HOOKYARD_PREFIX: `run${randomUUID().slice(0, 8)}`,
      HOOKYARD_ADMIN_TOKEN: ADMIN,
    })
  })

  afterAll(async () => {
    await hy?.stop()
    await ci?.close()
  })

  it('answers a push whose message backtracks (a+)+$ at once, stores it and runs the other routes', async () => {
    const push = githubBranchPush() as { head_commit: Record<string, unknown> }
    const body = JSON.stringify({ ...push, head_commit: { ...push.head_commit, message: `${'a'.repeat(40)}!` } })
    const { result, healthMs } = await whileProbingHealth(hy.url, () => post(`${hy.url}/hooks/gh`, body, githubHeaders(GH, 'push', body)))
    expect(result.status).toBe(202)
    expect(result.json.routes).toEqual([
      expect.objectContaining({ route: 'release-commits', status: 'not_matched' }),
      { route: 'every-push', status: 'matched' },
    ])
    // before the linear-time engine this request took minutes and the health check with it
    expect(result.ms).toBeLessThan(5_000)
    expect(Math.max(...healthMs)).toBeLessThan(1_000)
    const stored = await adminClient(hy.url, ADMIN).get<EventDetail>(`/api/events/${result.json.event}`)
    expect(stored.status).toBe(200)
  })

  it.each(['sort', 'spread'])(`stops $%s over a ${ITEMS}-item payload array at its deadline and reports the route`, async (kind) => {
    const body = hugeCall(kind)
    const { result, healthMs } = await whileProbingHealth(hy.url, () => post(`${hy.url}/hooks/app`, body, tokenHeaders(APP)))
    expect(result.status).toBe(202)
    const route = result.json.routes.find((r) => r.route === (kind === 'sort' ? 'sorted' : 'spread'))
    expect(route).toMatchObject({ status: 'error', reason: expect.stringMatching(kind === 'spread' ? /D1012: Expression evaluation stopped after 250 ms/ : /D1012: /) })
    expect(result.json.routes).toContainEqual({ route: 'every-call', status: 'matched' })
    expect(result.ms).toBeLessThan(5_000)
    expect(Math.max(...healthMs)).toBeLessThan(1_000)
    const stored = await adminClient(hy.url, ADMIN).get<EventDetail>(`/api/events/${result.json.event}`)
    expect(stored.json.event.routes).toContainEqual(expect.objectContaining({ status: 'error', reason: route?.reason }))
  })

  it('keeps working after threads were stopped: a normal call is routed as before', async () => {
    const body = JSON.stringify({ kind: 'sort', items: [{ i: 3 }, { i: 1 }, { i: 2 }] })
    const result = await post(`${hy.url}/hooks/app`, body, tokenHeaders(APP))
    expect(result.json.routes).toContainEqual({ route: 'sorted', status: 'matched' })
    await expect.poll(() => ci.requests.some((r) => r.body === '{"first":1}'), { timeout: 10_000 }).toBe(true)
  })

  it('exits on SIGTERM sent while an evaluation runs', async () => {
    const own = await startHookyardProcess('ingest', {
      REDIS_URL: inject('redisUrl'),
      RULES_DIR: writeRules({ 'r.yaml': rules(ci.url) }),
      HOOKYARD_PREFIX: `run${randomUUID().slice(0, 8)}`,
    })
    const exited = new Promise<number | null>((resolve) => own.child.once('exit', resolve))
    // SIGTERM once the whole body is sent: the server is parsing or evaluating it
    const body = hugeCall('spread')
    const req = request(`${own.url}/hooks/app`, { method: 'POST', headers: { ...tokenHeaders(APP), 'content-length': Buffer.byteLength(body) } })
    req.on('error', () => undefined)
    const sent = new Promise<void>((resolve) => req.once('finish', () => resolve()))
    req.end(body)
    await sent
    own.child.kill('SIGTERM')
    const started = performance.now()
    expect(await exited).toBe(0)
    expect(performance.now() - started).toBeLessThan(5_000)
  })
})
