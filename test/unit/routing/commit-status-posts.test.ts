import { describe, expect, it } from 'vitest'
import type { Envelope, PullRequestView } from '../../../src/envelope.ts'
import { buildRuleSet } from '../../../src/rules/build-rule-set.ts'
import { planDeliveries, type PlannedDelivery } from '../../../src/routing/plan-deliveries.ts'
import { branchPush, envelope } from '../targets/sample-envelopes.ts'

const SHA = '6113728f27ae82c7b1a177c8d03f9e96e0adf246'

const ruleSet = buildRuleSet([
  {
    path: 'rules/t.yaml',
    text: `
sources:
  github: { type: github, secret: s }
  app: { type: generic, verify: none }
targets:
  ci: { type: http, url: "http://ci.example/hook" }
  slow: { type: http, url: "http://slow.example/hook", cooldown: 5m }
  strict: { type: github-actions, repo: acme/app, token: t, workflow: ci.yml }
  gh-status: { type: github-status, token: gh-token }
  named-status: { type: github-status, token: gh-token, context: ci/all }
routes:
  - { name: one, source: github, to: ci, report_to: [gh-status] }
  - { name: two, source: github, when: 'push.branch = "two"', to: [ci, slow], report_to: [gh-status] }
  - { name: named, source: github, when: 'push.branch = "named"', to: ci, report_to: [named-status] }
  - { name: broken, source: github, when: 'push.branch = "broken"', to: strict, map: '{ "nope": 1 }', report_to: [gh-status] }
  - { name: mapped, source: app, to: ci, report_to: [{ target: gh-status, repository: body.repo, sha: body.commit }] }
`,
  },
])

async function plan(env: Envelope): Promise<PlannedDelivery[]> {
  return (await planDeliveries({ eventId: 'e1', envelopes: [env], ruleSet, userAgent: 'hookyard/test' })).deliveries
}

const body = (d: PlannedDelivery | undefined): unknown => JSON.parse(d?.request?.body ?? 'null')

describe('planning the first commit status of a route with report_to', () => {
  it('stores a pending status, queued ahead of the trigger, which carries where its outcome goes', async () => {
    const [pending, trigger, ...rest] = (await plan(branchPush())).filter((d) => d.route === 'one')
    expect(rest).toEqual([])
    expect(trigger).toMatchObject({ id: 'e1-1', target: 'ci', reports: [{ target: 'gh-status', repository: 'octo-org/app', sha: SHA, context: 'hookyard/one' }] })
    expect(trigger?.obsoleteWhen).toBeUndefined()
    expect(pending).toMatchObject({ id: 'e1-1-status-gh-status-pending', route: 'one', target: 'gh-status', error: null, cooldownKey: null })
    expect(pending?.reports).toBeUndefined()
    expect(pending?.obsoleteWhen).toEqual(['e1-1-status-gh-status-coalesced', 'e1-1-status-gh-status-success', 'e1-1-status-gh-status-failure', 'e1-1-status-gh-status-error'])
    expect(pending?.request?.url).toBe(`https://api.github.com/repos/octo-org/app/statuses/${SHA}`)
    expect(pending?.request?.headers).toMatchObject({ 'User-Agent': 'hookyard/test', 'X-Hookyard-Delivery': 'e1-1-status-gh-status-pending' })
    expect(body(pending)).toEqual({ state: 'pending', description: 'Queued for ci', context: 'hookyard/one' })
  })

  it('links the trigger in the dashboard when HOOKYARD_PUBLIC_URL is set', async () => {
    const result = await planDeliveries({ eventId: 'e1', envelopes: [branchPush()], ruleSet, userAgent: 'hookyard/test', publicUrl: 'https://hy.example.com/' })
    expect(body(result.deliveries[0])).toMatchObject({ state: 'pending', target_url: 'https://hy.example.com/ui#/delivery/e1-1' })
  })

  it('gives each target of a route its own context, and says when a cooldown may fold the trigger', async () => {
    const deliveries = (await plan(branchPush({ branch: 'two' }))).filter((d) => d.route === 'two')
    expect(deliveries.map((d) => d.id)).toEqual(['e1-2-status-gh-status-pending', 'e1-2', 'e1-3-status-gh-status-pending', 'e1-3'])
    expect(body(deliveries[0])).toMatchObject({ context: 'hookyard/two/ci', description: 'Queued for ci' })
    expect(body(deliveries[2])).toMatchObject({ context: 'hookyard/two/slow', description: 'Queued for slow (5m cooldown: a newer event may take its place)' })
  })

  it("uses the reporter's context when it sets one", async () => {
    const named = (await plan(branchPush({ branch: 'named' }))).filter((d) => d.route === 'named')
    expect(body(named[0])).toMatchObject({ context: 'ci/all' })
  })

  it('posts error at once when the trigger cannot be built: it will never go', async () => {
    const [status, trigger] = (await plan(branchPush({ branch: 'broken' }))).filter((d) => d.route === 'broken')
    expect(trigger?.request).toBeNull()
    expect(status?.id).toBe(`${trigger?.id}-status-gh-status-error`)
    expect(status?.obsoleteWhen).toBeUndefined()
    expect(body(status)).toMatchObject({ state: 'error', description: expect.stringMatching(/^Not triggered: route broken, target strict: /) as unknown })
  })

  it('takes the pull request head commit and the repository it was opened in', async () => {
    const pr = {
      number: 7,
      action: 'opened',
      target: { repo: 'octo-org/app', repo_url: null, clone_url: null, branch: 'main' },
      source: { repo: 'fork/app', repo_url: null, clone_url: null, branch: 'fix', sha: 'abcdef1234567' },
    } as unknown as PullRequestView
    const [status] = (await plan(envelope({ event: 'pull_request', pull_request: pr }))).filter((d) => d.route === 'one')
    expect(status?.request?.url).toBe('https://api.github.com/repos/octo-org/app/statuses/abcdef1234567')
  })

  it('posts nothing for an event without a commit, or a deleted branch', async () => {
    expect((await plan(envelope({ event: 'issues' }))).map((d) => d.target)).toEqual(['ci'])
    const deleted = await plan(branchPush({ deleted: true, sha: '0000000000000000000000000000000000000000' }))
    expect(deleted.filter((d) => d.route === 'one').map((d) => [d.target, d.reports])).toEqual([['ci', undefined]])
  })

  it("evaluates a report_to entry's repository and sha over the envelope", async () => {
    const [status, trigger] = await plan(envelope({ source: 'app', type: 'generic', body: { repo: 'acme/tool', commit: 'fedcba9876543' } }))
    expect(trigger?.reports).toEqual([{ target: 'gh-status', repository: 'acme/tool', sha: 'fedcba9876543', context: 'hookyard/mapped' }])
    expect(status?.request?.url).toBe('https://api.github.com/repos/acme/tool/statuses/fedcba9876543')
  })

  it('keeps a status the reporter cannot address as a failed delivery with the reason, never failing the trigger', async () => {
    const [status, trigger] = await plan(envelope({ source: 'app', type: 'generic', body: { repo: 'not-a-repo', commit: 'fedcba9876543' } }))
    expect(trigger?.request).not.toBeNull()
    expect(status).toMatchObject({ target: 'gh-status', request: null, error: 'report to gh-status: github-status: repository must look like owner/name, got "not-a-repo"' })
  })
})
