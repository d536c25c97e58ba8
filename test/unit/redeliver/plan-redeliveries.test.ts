import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { planRedeliveries, type HookDelivery } from '../../../src/redeliver/plan-redeliveries.ts'
import { loadRules } from '../../../src/rules/load-rules.ts'

const T0 = Date.parse('2026-12-04T00:00:00Z')
const d = (id: number, guid: string, minutes: number, status_code: number, redelivery = false): HookDelivery => ({
  id,
  guid,
  delivered_at: new Date(T0 + minutes * 60_000).toISOString(),
  redelivery,
  status_code,
  status: status_code === 0 ? 'failed to connect' : 'x',
  event: 'push',
  action: null,
})

describe('planRedeliveries', () => {
  it('takes the newest attempt of each delivery that never got a 2xx, oldest first', () => {
    const plan = planRedeliveries(
      [d(6, 'c', 50, 500, true), d(5, 'b', 40, 204, true), d(4, 'c', 30, 502), d(3, 'b', 20, 0), d(2, 'a', 10, 0), d(1, 'ok', 5, 200)],
      T0
    )
    expect(plan.map((p) => p.id)).toEqual([2, 6])
  })

  it('leaves out a delivery first sent before the window, even when retried inside it', () => {
    expect(planRedeliveries([d(2, 'a', 10, 0, true), d(1, 'a', -10, 0)], T0)).toEqual([])
  })

  it('counts a 4xx (a wrong secret) as not taken, and any 2xx as taken', () => {
    expect(planRedeliveries([d(1, 'a', 1, 401)], T0).map((p) => p.id)).toEqual([1])
    expect(planRedeliveries([d(2, 'a', 2, 202, true), d(1, 'a', 1, 401)], T0)).toEqual([])
  })
})

describe('github source redeliver option', () => {
  it('takes a hook path and token; the token is masked like every secret; a wrong path says the forms', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookyard-redeliver-rules-'))
    try {
      const rules = (hook: string) => `sources:
  github:
    type: github
    secret: hook-secret
    redeliver: { hook: "${hook}", token: "ghp_maskME123" }
targets:
  ci: { type: http, url: "http://127.0.0.1:9/" }
routes:
  - { name: r, source: github, to: [ci] }
`
      writeFileSync(join(dir, 'rules.yaml'), rules('orgs/acme/hooks/7'))
      const rs = await loadRules(dir, { env: {} })
      expect(rs.sources.get('github')?.options).toEqual({ redeliver: { hook: 'orgs/acme/hooks/7', token: 'ghp_maskME123', url: 'https://api.github.com' } })
      expect(rs.secretValues).toContain('ghp_maskME123')
      writeFileSync(join(dir, 'rules.yaml'), rules('acme/app/hooks/7'))
      await expect(loadRules(dir, { env: {} })).rejects.toThrow('must be repos/OWNER/REPO/hooks/ID or orgs/ORG/hooks/ID')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
