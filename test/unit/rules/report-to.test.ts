import { describe, expect, it } from 'vitest'
import { formatRuleProblem, RuleError } from '../../../src/errors.ts'
import { buildRuleSet } from '../../../src/rules/build-rule-set.ts'
import type { RuleSet } from '../../../src/rules/types.ts'

const HEAD = `
sources:
  gh: { type: github, secret: s }
  feed: { type: npm, secret: s }
  nightly: { type: schedule, cron: "0 3 * * *" }
targets:
  ci: { type: http, url: "http://ci.example/hook" }
  gh-status: { type: github-status, token: t }
  gl-status: { type: gitlab-status, token: t, context: ci/app }
routes:
`

function load(routes: string): RuleSet {
  return buildRuleSet([{ path: 'rules/r.yaml', text: HEAD + routes }])
}

function problems(routes: string): string[] {
  try {
    load(routes)
  } catch (err) {
    if (err instanceof RuleError) return err.problems.map(formatRuleProblem)
    throw err
  }
  throw new Error('expected the rules to be refused')
}

describe('report_to', () => {
  it('names reporters, as names or with explicit repository and sha', () => {
    const rs = load(`
  - { name: a, source: gh, to: ci, report_to: [gh-status, gl-status] }
  - { name: b, source: feed, to: ci, report_to: [{ target: gh-status, repository: '"acme/app"', sha: body.sha }] }
`)
    const [a, b] = rs.routes
    expect(a?.reportTo.map((r) => [r.target, r.repository, r.sha])).toEqual([
      ['gh-status', null, null],
      ['gl-status', null, null],
    ])
    expect(b?.reportTo[0]?.target).toBe('gh-status')
    expect(b?.reportTo[0]?.repository?.text).toBe('"acme/app"')
    expect(b?.reportTo[0]?.sha?.text).toBe('body.sha')
  })

  it('is empty on a route without it', () => {
    expect(load('  - { name: a, source: gh, to: ci }\n').routes[0]?.reportTo).toEqual([])
  })

  it('refuses a source without commits unless both repository and sha are given, naming the source and the fix', () => {
    const lines = problems(`
  - { name: a, source: feed, to: ci, report_to: [gh-status] }
  - { name: b, source: [gh, nightly], to: ci, report_to: [{ target: gh-status, sha: '"abc1234"' }] }
`)
    expect(lines).toEqual([
      'rules/r.yaml:12:50 route a: report_to gh-status: source feed (npm) carries no commit; say which one: - { target: gh-status, repository: <JSONata>, sha: <JSONata> }',
      'rules/r.yaml:13:59 route b: report_to gh-status: source nightly (schedule) carries no commit; say which one: - { target: gh-status, repository: <JSONata>, sha: <JSONata> }',
    ])
  })

  it('refuses an unknown target and one that is not a reporter', () => {
    const lines = problems('  - { name: a, source: gh, to: ci, report_to: [nope, ci] }\n')
    expect(lines).toEqual([
      'rules/r.yaml:11:48 route a: report_to: unknown target nope (declared targets: ci, gh-status, gl-status)',
      'rules/r.yaml:11:54 route a: report_to: target ci is a http target, not a reporter (reporter types: github-status, gitlab-status, bitbucket-status, gitea-status); deliver to it with to:',
    ])
  })

  it('refuses a reporter in to:, pointing at report_to', () => {
    expect(problems('  - { name: a, source: gh, to: [ci, gh-status] }\n')).toEqual([
      'rules/r.yaml:11:32 route a: target gh-status is a reporter (github-status): it posts commit statuses, so name it in report_to: [gh-status], not in to:',
    ])
  })

  it('refuses a value that is not a list, unknown entry keys, a target named twice and a bad expression', () => {
    const lines = problems(`
  - { name: a, source: gh, to: ci, report_to: gh-status }
  - { name: b, source: gh, to: ci, report_to: [{ target: gh-status, repo: x }] }
  - { name: c, source: gh, to: ci, report_to: [gh-status, gh-status] }
  - { name: d, source: gh, to: ci, report_to: [{ target: gh-status, sha: 'push.sha +' }] }
`)
    expect(lines).toHaveLength(4)
    expect(lines[0]).toMatch(/route a: report_to must be a list of reporter targets, e.g. report_to: \[gh-status\], got the string "gh-status"/)
    expect(lines[1]).toMatch(/route b: report_to: unknown key "repo" \(expected target, repository, sha\)/)
    expect(lines[2]).toMatch(/route c: report_to names gh-status twice/)
    expect(lines[3]).toMatch(/route d: sha: JSONata syntax error/)
  })
})
