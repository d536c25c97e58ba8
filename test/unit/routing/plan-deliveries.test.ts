import { describe, expect, it } from 'vitest'
import type { Envelope } from '../../../src/envelope.ts'
import { planDeliveries } from '../../../src/routing/plan-deliveries.ts'
import { buildRuleSet } from '../../../src/rules/build-rule-set.ts'
import type { RuleSet } from '../../../src/rules/types.ts'
import { branchPush as githubPush, tagPush as githubTag } from '../targets/sample-envelopes.ts'

const RULES = `
sources:
  gh: { type: github, secret: gh-secret-value }
  other: { type: generic, verify: none }
targets:
  ci:
    type: http
    url: https://ci.example.test/build
    headers: { Authorization: "Bearer ci-token-value" }
  ci-cooled:
    type: http
    url: https://ci.example.test/cooled
    cooldown: 1m
    cooldown_key: push.branch
  strict:
    type: gitlab
    url: https://gitlab.example.test
    project: "9"
    token: gitlab-token-value
routes:
  - name: main-only
    source: gh
    when: push.branch = "main"
    to: [ci, ci-cooled]
  - name: tags
    source: gh
    when: push.tag != null
    map: '{ "ref": push.tag }'
    to: [strict]
  - name: broken-map
    source: gh
    when: push.branch = "main"
    map: '{ "ref": $number("x") }'
    to: [strict]
  - name: unmappable
    source: gh
    map: '{ "variables": { "A": "1" } }'
    to: [strict]
  - name: other-source
    source: other
    to: [ci]
`

// the sample envelopes come from a source named `github`; these rules call it `gh`
const branchPush = (...args: Parameters<typeof githubPush>): Envelope => ({ ...githubPush(...args), source: 'gh' })
const tagPush = (): Envelope => ({ ...githubTag(), source: 'gh' })

const ruleSet: RuleSet = buildRuleSet([{ path: 'rules/test.yaml', text: RULES }], { env: {} })
const plan = (envelopes: Envelope[], eventId = 'ev_1') => planDeliveries({ eventId, envelopes, ruleSet, userAgent: 'hookyard/test' })

describe('planDeliveries', () => {
  it("runs only the event source's routes, in file order, each with its outcome", async () => {
    const { routes } = await plan([branchPush()])
    expect(routes.map((r) => [r.route, r.status])).toEqual([
      ['main-only', 'matched'],
      ['tags', 'not_matched'],
      ['broken-map', 'error'],
      ['unmappable', 'matched'],
    ])
    expect(routes.find((r) => r.route === 'tags')?.reason).toBe('when is false: push.tag != null (push.tag is null)')
  })

  it('numbers deliveries <event>-1, -2, ... and stamps User-Agent and X-Hookyard-Delivery', async () => {
    const { deliveries } = await plan([branchPush()], 'ev_abc')
    expect(deliveries.map((d) => [d.id, d.route, d.target])).toEqual([
      ['ev_abc-1', 'main-only', 'ci'],
      ['ev_abc-2', 'main-only', 'ci-cooled'],
      ['ev_abc-3', 'unmappable', 'strict'],
    ])
    const first = deliveries[0]!.request!
    expect(first.url).toBe('https://ci.example.test/build')
    expect(first.headers).toMatchObject({ Authorization: 'Bearer ci-token-value', 'User-Agent': 'hookyard/test', 'X-Hookyard-Delivery': 'ev_abc-1' })
  })

  it('is deterministic: the same event and rules give the same plan', async () => {
    expect(await plan([branchPush()])).toEqual(await plan([branchPush()]))
  })

  it('resolves cooldown keys: none without a cooldown, the target name plus the key expression otherwise', async () => {
    const { deliveries } = await plan([branchPush()])
    expect(deliveries.map((d) => d.cooldownKey)).toEqual([null, 'ci-cooled/main', null])
  })

  it('keeps a delivery whose mapping the preset rejects, with no request and the reason', async () => {
    const failed = (await plan([branchPush()])).deliveries.find((d) => d.route === 'unmappable')!
    expect(failed.request).toBeNull()
    expect(failed.error).toMatch(/^route unmappable, target strict: /)
  })

  it('reports a failing map as an error outcome with its JSONata code, and plans nothing for it', async () => {
    const { routes, deliveries } = await plan([branchPush()])
    const broken = routes.find((r) => r.route === 'broken-map')!
    expect(broken.error?.code).toMatch(/^D\d+|^T\d+/)
    expect(deliveries.some((d) => d.route === 'broken-map')).toBe(false)
  })

  it('matches a route over several envelopes if any envelope matches, one delivery per matching envelope', async () => {
    const { routes, deliveries } = await plan([tagPush(), branchPush(), branchPush({ branch: 'dev', ref: 'refs/heads/dev' })])
    expect(routes.find((r) => r.route === 'main-only')?.status).toBe('matched')
    expect(routes.find((r) => r.route === 'tags')?.status).toBe('matched')
    expect(deliveries.filter((d) => d.route === 'main-only').map((d) => d.target)).toEqual(['ci', 'ci-cooled'])
  })

  it('plans nothing for a source no route uses, and for no envelopes', async () => {
    const stray = { ...branchPush(), source: 'nobody' }
    expect(await plan([stray])).toEqual({ routes: [], deliveries: [] })
    expect(await plan([])).toEqual({ routes: [], deliveries: [] })
  })
})
