import { renameSync, writeFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it, inject } from 'vitest'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { startHookyardProcess, writeRules } from '../helpers/hookyard-process.ts'
import type { RulesStatus } from '../../src/reload/create-rules-reloader.ts'
import { parsePrometheusText } from '../helpers/prometheus-text.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'
import { waitUntil } from '../helpers/wait-until.ts'

const TOKEN = 'reload-token-0123456789'

/** One route from source `app` to `to`; `tag` is rendered into each request body. */
const rules = (urls: { a: string; b: string }, to: 'a' | 'b', tag: string, map?: string): string => `
sources:
  app: { type: generic, secret: ${TOKEN} }
targets:
  a:
    type: http
    url: ${urls.a}
    retry: { attempts: 3, backoff: 100ms }
  b:
    type: http
    url: ${urls.b}
routes:
  - name: main
    source: app
    to: ${to}
    map: '${map ?? `{ "body": { "n": body.n, "tag": "${tag}" } }`}'
`

interface Accepted {
  deliveries: { id: string; target: string }[]
}

describe('hot reload of the rule files', () => {
  let a: CaptureServer
  let b: CaptureServer
  let hy: TestHookyard
  let urls: { a: string; b: string }

  beforeAll(async () => {
    ;[a, b] = await Promise.all([startCaptureServer(), startCaptureServer()])
    urls = { a: a.url, b: b.url }
    hy = await startTestHookyard({ rules: { 'routes.yaml': rules(urls, 'a', 'v1') } })
  })
  afterAll(async () => {
    await hy.stop()
    await Promise.all([a.close(), b.close()])
  })
  beforeEach(() => {
    a.requests.length = 0
    b.requests.length = 0
  })

  const send = (n: number): Promise<Response> =>
    hy.post('app', JSON.stringify({ n }), { 'content-type': 'application/json', 'x-hookyard-token': TOKEN })

  async function routedTo(n: number): Promise<string | undefined> {
    const res = await send(n)
    expect(res.status).toBe(202)
    return ((await res.json()) as Accepted).deliveries[0]?.target
  }

  const readyz = async (): Promise<{ status: number; rules: RulesStatus }> => {
    const res = await fetch(`${hy.url}/readyz`)
    return { status: res.status, rules: ((await res.json()) as { rules: RulesStatus }).rules }
  }

  const metric = async (name: string, labels?: Record<string, string>): Promise<number | undefined> =>
    parsePrometheusText(await (await fetch(`${hy.url}/metrics`)).text()).value(name, labels)

  it('an edited rule file changes routing within 2 s, and no request sent meanwhile is dropped', async () => {
    expect(await routedTo(0)).toBe('a')
    // a steady stream of concurrent senders across the swap
    const statuses: number[] = []
    let streaming = true
    const sender = async (lane: number): Promise<void> => {
      for (let i = 0; streaming; i++) {
        statuses.push((await send(lane * 10_000 + i)).status)
      }
    }
    const lanes = Promise.all([1, 2, 3, 4].map(sender))
    await waitUntil(() => statuses.length >= 20, 5_000, 'the stream to run')

    const written = Date.now()
    hy.writeRule('routes.yaml', rules(urls, 'b', 'v2'))
    let n = 100
    while ((await routedTo(n++)) !== 'b') {
      expect(Date.now() - written).toBeLessThan(2_000)
      await new Promise((r) => setTimeout(r, 20))
    }
    const elapsed = Date.now() - written
    const afterSwap = statuses.length
    await waitUntil(() => statuses.length >= afterSwap + 20, 5_000, 'the stream to go on after the swap')
    streaming = false
    await lanes

    expect(elapsed).toBeLessThan(2_000)
    expect(statuses.length).toBeGreaterThan(40)
    expect(statuses.filter((s) => s !== 202)).toEqual([])
    expect(hy.logs.some((l) => l.includes('"rules reloaded"') && l.includes('"changed":true'))).toBe(true)
    expect((await readyz()).rules).toMatchObject({ version: hy.app.ruleSet().version, last_reload: { ok: true } })
  })

  it('a broken edit keeps the old rules serving and reports why; fixing it reloads', async () => {
    hy.writeRule('routes.yaml', rules(urls, 'b', 'v3'))
    await hy.app.reloadRules()
    const serving = hy.app.ruleSet().version
    const errorsBefore = (await metric('hookyard_rule_reloads_total', { result: 'error' })) ?? 0

    // a JSONata syntax error in the map, and the route pointed at `a`: none of it may take effect
    hy.writeRule('routes.yaml', rules(urls, 'a', 'broken', '{ "body": body.n + }'))
    await waitUntil(() => hy.app.rulesStatus().last_reload?.ok === false, 2_000, 'the failed reload')

    expect(hy.app.ruleSet().version).toBe(serving)
    expect(await routedTo(1)).toBe('b')
    const ready = await readyz()
    expect(ready.status).toBe(200) // the previous rules still serve
    expect(ready.rules).toMatchObject({ version: serving, last_reload: { ok: false } })
    const problems = ready.rules.last_reload?.ok === false ? ready.rules.last_reload.problems : []
    expect(problems.length).toBeGreaterThan(0)
    expect(problems[0]).toMatch(new RegExp(`^${join(hy.rulesDir, 'routes.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+ \\S`))
    expect(hy.logs.some((l) => l.includes('rules reload failed') && l.includes('routes.yaml:'))).toBe(true)
    // at least one: the watch may have seen the write as two changes
    expect(await metric('hookyard_rule_reloads_total', { result: 'error' })).toBeGreaterThan(errorsBefore)
    expect(await metric('hookyard_rule_errors')).toBe(problems.length)

    // fixed the way editors save: a new file renamed over the old one
    const written = Date.now()
    const temp = join(hy.rulesDir, '.routes.yaml.swp')
    writeFileSync(temp, rules(urls, 'a', 'v4'))
    renameSync(temp, join(hy.rulesDir, 'routes.yaml'))
    await waitUntil(() => hy.app.rulesStatus().last_reload?.ok === true, 2_000, 'the fixed reload')
    expect(Date.now() - written).toBeLessThan(2_000)
    expect(await routedTo(2)).toBe('a')
    expect((await readyz()).rules.last_reload).toMatchObject({ ok: true, version: hy.app.ruleSet().version })
    expect(await metric('hookyard_rule_errors')).toBe(0)
  })

  it('a delivery queued before a reload is sent with the request it was rendered with', async () => {
    // a target of its own: deliveries of the earlier tests may still be arriving at `a`
    const c = await startCaptureServer()
    const bodies = (): unknown[] => c.requests.map((r) => JSON.parse(r.body) as unknown)
    try {
      hy.writeRule('routes.yaml', rules({ a: c.url, b: urls.b }, 'a', 'before'))
      await hy.app.reloadRules()
      c.respondWith({ status: 503, headers: { 'retry-after': '1' }, body: 'maintenance' })
      const res = await send(7)
      expect(res.status).toBe(202)
      await waitUntil(() => c.requests.length === 1, 5_000, 'the first attempt')

      // the map changes while the delivery waits for its retry
      hy.writeRule('routes.yaml', rules({ a: c.url, b: urls.b }, 'a', 'after'))
      const outcome = await hy.app.reloadRules()
      expect(outcome).toMatchObject({ ok: true, changed: true })

      await waitUntil(() => c.requests.length === 2, 10_000, 'the retry')
      expect(bodies()).toEqual([
        { n: 7, tag: 'before' },
        { n: 7, tag: 'before' },
      ])
      // a new event gets the new map
      expect((await send(8)).status).toBe(202)
      await waitUntil(() => c.requests.length === 3, 5_000, 'the new event')
      expect(bodies()[2]).toEqual({ n: 8, tag: 'after' })
    } finally {
      await c.close()
    }
  })
})

describe('SIGHUP', () => {
  it('reloads the rules of a running `hookyard serve` and does not stop it', async () => {
    const target = await startCaptureServer()
    const dir = writeRules({ 'routes.yaml': rules({ a: target.url, b: target.url }, 'a', 'v1') })
    const proc = await startHookyardProcess('all', { REDIS_URL: inject('redisUrl'), RULES_DIR: dir, HOOKYARD_PREFIX: `t${randomUUID().slice(0, 8)}` })
    try {
      const reloads = (): Record<string, unknown>[] => proc.logs().filter((l) => l['msg'] === 'rules reloaded' && l['trigger'] === 'signal')
      proc.child.kill('SIGHUP')
      await waitUntil(() => reloads().length === 1, 5_000, 'rules reloaded after SIGHUP')
      expect(reloads()[0]).toMatchObject({ changed: false })
      proc.child.kill('SIGHUP')
      await waitUntil(() => reloads().length === 2, 5_000, 'a second reload')
      expect(proc.child.exitCode).toBeNull()
      expect((await fetch(`${proc.url}/healthz`)).status).toBe(200)
    } finally {
      await proc.stop()
      await target.close()
    }
  })
})
