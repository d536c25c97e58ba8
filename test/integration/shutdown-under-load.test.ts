import { randomUUID } from 'node:crypto'
import { describe, expect, inject, it } from 'vitest'
import { startCaptureServer } from '../helpers/capture-server.ts'
import { githubBranchPush } from '../helpers/fixtures.ts'
import { startHookyardProcess, writeRules } from '../helpers/hookyard-process.ts'
import { githubHeaders } from '../helpers/sign.ts'

const SECRET = 'under-load-secret-42'

describe('SIGTERM under load', () => {
  it('loses no acknowledged event: a restart delivers every one', async () => {
    const target = await startCaptureServer()
    const rulesDir = writeRules({
      'r.yaml': `
sources:
  github: { type: github, secret: "${SECRET}" }
targets:
  ci: { type: http, url: "${target.url}", timeout: 5s }
routes:
  - { name: all, source: github, to: ci, map: '{ "body": { "n": body.n } }' }
`,
    })
    const env = { REDIS_URL: inject('redisUrl'), RULES_DIR: rulesDir, HOOKYARD_PREFIX: `sl${randomUUID().slice(0, 8)}` }
    const first = await startHookyardProcess('all', env)
    const acknowledged = new Set<string>()
    let refused = 0
    let n = 0
    const sender = async (): Promise<void> => {
      for (;;) {
        const payload = { ...githubBranchPush(), n: n++ }
        const body = JSON.stringify(payload)
        try {
          const res = await fetch(`${first.url}/hooks/github`, { method: 'POST', body, headers: githubHeaders(SECRET, 'push', body) })
          if (res.status === 202) {
            const { deliveries } = (await res.json()) as { deliveries: { id: string }[] }
            acknowledged.add(deliveries[0]!.id)
          } else {
            refused++
          }
        } catch {
          return // the server stopped accepting: this sender is done
        }
      }
    }
    const senders = Array.from({ length: 8 }, () => sender())
    await expect.poll(() => acknowledged.size, { timeout: 20_000 }).toBeGreaterThan(100)
    first.child.kill('SIGTERM')
    await Promise.all(senders)
    await first.stop()
    expect(refused).toBe(0)

    // whatever the first process did not get to, a restarted one delivers: deliveries released at
    // shutdown come back once their job lock expires (target timeout + 5 s) and the stall check runs
    const second = await startHookyardProcess('all', env)
    try {
      const delivered = (): Set<string> => new Set(target.requests.map((r) => r.headers['x-hookyard-delivery'] ?? ''))
      await expect.poll(() => [...acknowledged].filter((id) => !delivered().has(id)).length, { timeout: 60_000 }).toBe(0)
    } finally {
      await second.stop()
      await target.close()
    }
  }, 120_000)
})
