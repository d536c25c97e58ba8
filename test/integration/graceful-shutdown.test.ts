import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { describe, expect, inject, it } from 'vitest'
import { createDeliveryLog } from '../../src/store/delivery-log.ts'
import { storeKeys } from '../helpers/store-keys.ts'
import { startCaptureServer } from '../helpers/capture-server.ts'
import { githubBranchPush } from '../helpers/fixtures.ts'
import { startHookyardProcess, writeRules } from '../helpers/hookyard-process.ts'
import { githubHeaders } from '../helpers/sign.ts'

describe('graceful shutdown', () => {
  it('on SIGTERM stops accepting, finishes the in-flight delivery, then exits 0', async () => {
    const target = await startCaptureServer()
    target.respondWith({ status: 200, delayMs: 1500 })
    const prefix = `gs${randomUUID().slice(0, 8)}`
    const rulesDir = writeRules({
      'r.yaml': `
sources:
  github: { type: github, secret: shutdown-secret-123 }
targets:
  ci: { type: http, url: "${target.url}", timeout: 5s }
routes:
  - { name: all, source: github, to: ci, map: '{ "body": { "sha": push.sha } }' }
`,
    })
    const hy = await startHookyardProcess('all', { REDIS_URL: inject('redisUrl'), RULES_DIR: rulesDir, HOOKYARD_PREFIX: prefix })
    const redis = new Redis(inject('redisUrl'))
    try {
      const body = JSON.stringify(githubBranchPush())
      const res = await fetch(`${hy.url}/hooks/github`, { method: 'POST', body, headers: githubHeaders('shutdown-secret-123', 'push', body) })
      expect(res.status).toBe(202)
      const { deliveries } = (await res.json()) as { deliveries: { id: string }[] }
      await expect.poll(() => target.requests.length, { timeout: 10_000 }).toBe(1)

      const exited = new Promise<number | null>((resolve) => hy.child.once('exit', resolve))
      hy.child.kill('SIGTERM')
      await expect.poll(() => hy.logs().some((l) => l['msg'] === 'shutting down')).toBe(true)
      await expect(fetch(`${hy.url}/healthz`)).rejects.toThrow()
      expect(await exited).toBe(0)

      const log = createDeliveryLog(redis, storeKeys(prefix), 3600_000)
      expect((await log.getDelivery(deliveries[0]!.id))?.status).toBe('delivered')
      expect(target.requests).toHaveLength(1)
      expect(hy.logs().at(-1)?.['msg']).toBe('stopped')
    } finally {
      await hy.stop()
      redis.disconnect()
      await target.close()
    }
  })
})
