import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDeliveryLog } from '../../src/store/delivery-log.ts'
import { storeKeys } from '../helpers/store-keys.ts'
import { startRedisServer } from '../../src/embedded-redis.ts'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { githubBranchPush } from '../helpers/fixtures.ts'
import { githubHeaders } from '../helpers/sign.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'

const SECRET = 'cooldown-inproc-secret'

function push(branch: string, sha: string): string {
  const payload = githubBranchPush()
  payload['ref'] = `refs/heads/${branch}`
  payload['after'] = sha
  return JSON.stringify(payload)
}

describe('cooldown_key and Retry-After windows', () => {
  let perBranch: CaptureServer
  let limited: CaptureServer
  let other: CaptureServer
  let hy: TestHookyard

  beforeAll(async () => {
    ;[perBranch, limited, other] = await Promise.all([startCaptureServer(), startCaptureServer(), startCaptureServer()])
    hy = await startTestHookyard({
      env: { SECRET },
      rules: {
        'r.yaml': `
sources:
  github: { type: github, secret: "\${SECRET}" }
targets:
  per-branch:
    type: http
    url: ${perBranch.url}
    cooldown: 1h
    cooldown_key: push.branch
  limited:
    type: http
    url: ${limited.url}
    cooldown: 500ms
    retry: { attempts: 3, backoff: 100ms }
  other:
    type: http
    url: ${other.url}
    cooldown: 500ms
routes:
  - name: branches
    source: github
    when: push.branch in ["alpha", "beta"]
    to: per-branch
    map: '{ "body": { "branch": push.branch } }'
  - name: limited
    source: github
    when: push.branch = "limit"
    to: [limited, other]
    map: '{ "body": { "sha": push.sha } }'
`,
      },
    })
  })
  afterAll(async () => {
    await hy.stop()
    await Promise.all([perBranch, limited, other].map((s) => s.close()))
  })

  const post = (body: string) => hy.post('github', body, githubHeaders(SECRET, 'push', body))

  it('two branches cool down independently: neither blocks the other', async () => {
    expect((await post(push('alpha', 'a'.repeat(40)))).status).toBe(202)
    expect((await post(push('beta', 'b'.repeat(40)))).status).toBe(202)
    await expect.poll(() => perBranch.requests.length, { timeout: 5_000 }).toBe(2)
    expect(perBranch.requests.map((r) => (JSON.parse(r.body) as { branch: string }).branch).sort()).toEqual(['alpha', 'beta'])
    // a third push to alpha within its hour-long window is held back, not sent
    const res = await post(push('alpha', 'c'.repeat(40)))
    const { deliveries } = (await res.json()) as { deliveries: { id: string }[] }
    const log = createDeliveryLog(hy.redis, storeKeys(hy.prefix), 3600_000)
    const record = await log.getDelivery(deliveries[0]!.id)
    expect(record).toMatchObject({ status: 'queued', cooldown_key: 'per-branch/alpha' })
    expect(perBranch.requests).toHaveLength(2)
  })

  it("a 429 with Retry-After extends that target's window only", async () => {
    limited.respondWith({ status: 429, headers: { 'retry-after': '2' } })
    const started = Date.now()
    expect((await post(push('limit', '1'.repeat(40)))).status).toBe(202)
    await expect.poll(() => other.requests.length, { timeout: 5_000 }).toBe(1)
    // the other target's window (500 ms) is untouched by the 429: its next event fires after 500 ms
    expect((await post(push('limit', '2'.repeat(40)))).status).toBe(202)
    await expect.poll(() => other.requests.length, { timeout: 5_000 }).toBe(2)
    expect(limited.requests).toHaveLength(1)
    await expect.poll(() => limited.requests.length, { timeout: 10_000 }).toBe(2)
    expect(limited.requests[1]!.at - limited.requests[0]!.at).toBeGreaterThanOrEqual(1900)
    // the retry sends the newest change: the second push superseded the first
    expect((JSON.parse(limited.requests[1]!.body) as { sha: string }).sha).toBe('2'.repeat(40))
    expect(other.requests[1]!.at - started).toBeLessThan(limited.requests[1]!.at - started)
  })
})

describe('Redis restart between enqueue and delivery', () => {
  it('delivers an acknowledged event after Redis restarts from its append-only file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookyard-aof-'))
    let redis = await startRedisServer({ dir })
    const target = await startCaptureServer()
    const rules = {
      'r.yaml': `
sources:
  github: { type: github, secret: "\${SECRET}" }
targets:
  ci: { type: http, url: "${target.url}" }
routes:
  - { name: all, source: github, to: ci, map: '{ "body": { "sha": push.sha } }' }
`,
    }
    const ingest = await startTestHookyard({ rules, env: { SECRET, HOOKYARD_ROLE: 'ingest' }, redisUrl: redis.url })
    const body = push('main', 'd'.repeat(40))
    const res = await ingest.post('github', body, githubHeaders(SECRET, 'push', body))
    expect(res.status).toBe(202)
    await ingest.stop()

    await redis.stop()
    redis = await startRedisServer({ dir, port: redis.port })
    const worker = await startTestHookyard({ rules, env: { SECRET, HOOKYARD_ROLE: 'worker', HOOKYARD_PREFIX: ingest.prefix }, redisUrl: redis.url })
    try {
      await expect.poll(() => target.requests.length, { timeout: 15_000 }).toBe(1)
      expect((JSON.parse(target.requests[0]!.body) as { sha: string }).sha).toBe('d'.repeat(40))
    } finally {
      await worker.stop()
      await redis.stop()
      await target.close()
    }
  })
})
