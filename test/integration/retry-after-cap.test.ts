/**
 * A target answering `Retry-After: 999999999` (about 31 years) cannot block itself for years:
 * the cooldown window its 429 extends and the circuit breaker pause its 503 sets both end within
 * a day (MAX_RETRY_AFTER_MS), as the retry backoff always did.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_RETRY_AFTER_MS } from '../../src/delivery/classify-outcome.ts'
import { hashCooldownKey } from '../../src/store/cooldown-store.ts'
import { createKeys } from '../../src/store/keys.ts'
import { adminClient, type AdminClient } from '../helpers/admin-client.ts'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { githubBranchPush } from '../helpers/fixtures.ts'
import { githubHeaders } from '../helpers/sign.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'

const SECRET = 'retry-after-cap-secret'
const YEARS = '999999999'

interface TargetItem {
  name: string
  state: string
  paused_until: string | null
}

describe('a huge Retry-After from a target', () => {
  let gated: CaptureServer
  let tripped: CaptureServer
  let hy: TestHookyard
  let api: AdminClient

  beforeAll(async () => {
    ;[gated, tripped] = await Promise.all([startCaptureServer(), startCaptureServer()])
    gated.fallback = { status: 429, headers: { 'retry-after': YEARS }, body: 'slow down' }
    tripped.fallback = { status: 503, headers: { 'retry-after': YEARS }, body: 'maintenance' }
    hy = await startTestHookyard({
      env: { SECRET },
      rules: {
        'r.yaml': `
sources:
  github: { type: github, secret: "\${SECRET}" }
targets:
  gated:
    type: http
    url: ${gated.url}/build
    cooldown: 1s
    retry: { attempts: 3, backoff: 100ms }
  tripped:
    type: http
    url: ${tripped.url}/build
    circuit: { failures: 1, pause: 1s }
    retry: { attempts: 3, backoff: 100ms }
routes:
  - { name: both, source: github, to: [gated, tripped], map: '{ "body": { "sha": push.sha } }' }
`,
      },
    })
    api = adminClient(hy.url, hy.adminToken)
  })
  afterAll(async () => {
    await hy?.stop()
    await Promise.all([gated?.close(), tripped?.close()])
  })

  it('extends the cooldown window and pauses the circuit breaker for at most a day', async () => {
    const body = JSON.stringify(githubBranchPush())
    const res = await hy.post('github', body, githubHeaders(SECRET, 'push', body))
    expect(res.status, await res.clone().text()).toBe(202)
    await expect.poll(() => gated.requests.length + tripped.requests.length, { timeout: 10_000 }).toBe(2)
    const asked = Date.now()

    // the cooldown gate: longer than the configured 1 s window (the 429 extended it), at most a day
    const gate = createKeys(hy.prefix).cooldownGate(hashCooldownKey('gated'))
    await expect.poll(() => hy.redis.pttl(gate), { timeout: 5_000 }).toBeGreaterThan(60_000)
    expect(await hy.redis.pttl(gate)).toBeLessThanOrEqual(MAX_RETRY_AFTER_MS)

    // the breaker: paused past its configured 1 s pause (the Retry-After won), until at most a day from now
    const pausedUntil = async (): Promise<number | null> => {
      const items = (await api.get<{ items: TargetItem[] }>('/api/targets')).json.items
      const until = items.find((t) => t.name === 'tripped')?.paused_until
      return until ? Date.parse(until) : null
    }
    await expect.poll(pausedUntil, { timeout: 5_000 }).toBeGreaterThan(asked + 60_000)
    expect(await pausedUntil()).toBeLessThanOrEqual(Date.now() + MAX_RETRY_AFTER_MS)

    // and neither was tried again meanwhile
    expect(gated.requests).toHaveLength(1)
    expect(tripped.requests).toHaveLength(1)
  })
})
