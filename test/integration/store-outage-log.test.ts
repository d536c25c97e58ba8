import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startRedisServer } from '../../src/embedded-redis.ts'
import { startCaptureServer } from '../helpers/capture-server.ts'
import { githubBranchPush } from '../helpers/fixtures.ts'
import { githubHeaders } from '../helpers/sign.ts'
import { startTestHookyard } from '../helpers/test-hookyard.ts'

const GH = 'github-secret-for-outage-log'
const REJECTED_MSG = 'webhooks rejected with 503: the event store (Redis) is unavailable'
const BACK_MSG = 'the event store (Redis) is available again; webhooks are accepted'

describe('log lines while Redis is down', () => {
  it('one error line when webhooks start failing, a count when Redis is back, no line per request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookyard-outage-log-'))
    const redis = await startRedisServer({ dir })
    const target = await startCaptureServer()
    const hy = await startTestHookyard({
      rules: {
        'hooks.yaml': `
sources:
  github: { type: github, secret: "\${GH}" }
targets:
  ci: { type: http, url: ${target.url}/ci }
routes:
  - { name: pushes, source: github, to: ci, map: '{ "body": { "sha": push.sha } }' }
`,
      },
      env: { GH },
      redisUrl: redis.url,
    })
    let restarted: Awaited<ReturnType<typeof startRedisServer>> | undefined
    const lines = (msg: string): Record<string, unknown>[] =>
      hy.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === msg)
    try {
      await redis.stop()
      const REQUESTS = 40
      for (let i = 0; i < REQUESTS; i++) {
        const push = JSON.stringify(githubBranchPush())
        const res = await hy.post('github', push, githubHeaders(GH, 'push', push))
        expect(res.status).toBe(503)
        expect(res.headers.get('cache-control')).toBe('no-store')
      }
      const rejected = lines(REJECTED_MSG)
      expect(rejected).toHaveLength(1)
      expect(rejected[0]).toMatchObject({ level: 50, source: 'github', suppressed: 0, total: 1 })
      expect(rejected[0]!['reason']).toEqual(expect.any(String))
      expect(rejected[0]).not.toHaveProperty('err') // no stack: the reason says it all
      expect(lines('webhook failed')).toEqual([])

      restarted = await startRedisServer({ dir, port: redis.port })
      await expect.poll(async () => (await fetch(`${hy.url}/readyz`)).status, { timeout: 20_000 }).toBe(200)
      // a sender retries a 503: the first request right after /readyz turns 200 may still meet the
      // reconnecting connection, and is then counted with the outage's refusals
      await expect
        .poll(async () => {
          const push = JSON.stringify(githubBranchPush())
          return (await hy.post('github', push, githubHeaders(GH, 'push', push))).status
        }, { timeout: 10_000 })
        .toBe(202)
      const back = lines(BACK_MSG)
      expect(back).toHaveLength(1)
      expect(back[0]).toMatchObject({ level: 30 })
      const total = back[0]!['total'] as number
      expect(total).toBeGreaterThanOrEqual(REQUESTS)
      expect(total).toBeLessThanOrEqual(REQUESTS + 2)
      expect(back[0]!['suppressed']).toBe(total - 1)
    } finally {
      await hy.stop()
      await restarted?.stop()
      await target.close()
    }
  })
})
