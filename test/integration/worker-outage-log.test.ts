/**
 * A Redis outage under `serve --role all`: the worker, the queues and every connection report it
 * in a handful of lines with counts, not a line (with a stack) per reconnect attempt, and nothing
 * reaches stderr as an unhandled ioredis error. The recovery is logged once per connection.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startRedisServer } from '../../src/embedded-redis.ts'
import { startCaptureServer } from '../helpers/capture-server.ts'
import { startHookyardProcess, writeRules } from '../helpers/hookyard-process.ts'

const OUTAGE_MS = 6_000

describe('log lines of the queue side while Redis is down', () => {
  it('counts repeated worker, queue and connection errors instead of writing each one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookyard-worker-outage-'))
    const redis = await startRedisServer({ dir })
    const target = await startCaptureServer()
    const hy = await startHookyardProcess('all', {
      REDIS_URL: redis.url,
      RULES_DIR: writeRules({
        'r.yaml': `
sources:
  app: { type: generic, verify: none }
targets:
  ci: { type: http, url: ${target.url}/ci }
routes:
  - { name: all, source: app, to: ci }
`,
      }),
    })
    let restarted: Awaited<ReturnType<typeof startRedisServer>> | undefined
    try {
      const before = hy.logs().length
      await redis.stop()
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS))
      const outage = hy.logs().slice(before)
      const problems = outage.filter((l) => (l['level'] as number) >= 40)
      // before: about a hundred lines in these seconds, most with a stack
      const perMessage = new Map<string, number>()
      for (const l of problems) perMessage.set(String(l['msg']), (perMessage.get(String(l['msg'])) ?? 0) + 1)
      expect(problems.length, JSON.stringify([...perMessage])).toBeLessThanOrEqual(10)
      expect(perMessage.get('redis connection error') ?? 0).toBeGreaterThanOrEqual(1)
      expect(hy.child.exitCode).toBeNull()

      restarted = await startRedisServer({ dir, port: redis.port })
      await expect.poll(() => hy.logs().filter((l) => l['msg'] === 'redis connection recovered').length, { timeout: 20_000 }).toBeGreaterThanOrEqual(3)
      const recovered = hy.logs().filter((l) => l['msg'] === 'redis connection recovered')
      expect(recovered[0]).toMatchObject({ level: 30, total: expect.any(Number) })
    } finally {
      await hy.stop()
      await restarted?.stop()
      await target.close()
    }
    expect(hy.output()).not.toContain('Unhandled error event')
  }, 60_000)
})
