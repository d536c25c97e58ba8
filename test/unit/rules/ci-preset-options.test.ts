import { describe, expect, it } from 'vitest'
import { formatRuleProblem, RuleError } from '../../../src/errors.ts'
import { buildRuleSet } from '../../../src/rules/build-rule-set.ts'

/** The CI presets' options are checked at load like every other target's, with file:line:col. */
function problems(text: string): string[] {
  try {
    buildRuleSet([{ path: 'rules/ci.yaml', text }], { env: {} })
  } catch (err) {
    if (err instanceof RuleError) return err.problems.map(formatRuleProblem)
    throw err
  }
  return []
}

describe('CI preset options at load', () => {
  it('names missing options, refuses unknown ones and explains invalid values, each at its place', () => {
    expect(
      problems(`targets:
  j:
    type: jenkins
    url: https://jenkins.example.com
    user: bot
    api_token: x
    folder: team
  g:
    type: github-actions
    repo: acme
    token: t
  b:
    type: buildkite
    org: acme
    token: t
  c:
    type: circleci
    project: acme/app
    token: t
  a:
    type: azure-pipelines
    org: acme
    project: app
    pipeline: ci
    token: t
  t:
    type: teamcity
    url: ftp://teamcity.example.com
    token: t
    build_type: B
`)
    ).toEqual([
      'rules/ci.yaml:2:3 target j: missing required option job',
      'rules/ci.yaml:7:5 target j: unknown option "folder"',
      'rules/ci.yaml:10:11 target g: repo: must be owner/name, e.g. acme/app',
      'rules/ci.yaml:12:3 target b: missing required option pipeline',
      'rules/ci.yaml:18:14 target c: project: must be a project slug such as gh/acme/app',
      'rules/ci.yaml:24:15 target a: pipeline: must be the numeric pipeline id',
      'rules/ci.yaml:28:10 target t: url: must be an http(s) URL, got the scheme "ftp:"',
    ])
  })

  it('masks the tokens and the Basic credentials built from them', () => {
    const rs = buildRuleSet(
      [
        {
          path: 'rules/ci.yaml',
          text: `targets:
  j: { type: jenkins, url: "https://j.example.com", job: app, user: bot, api_token: jenkins-token, build_token: build-token }
  a: { type: azure-pipelines, org: acme, project: app, pipeline: 1, token: azure-pat }
  c: { type: circleci, project: gh/acme/app, token: circle-token }
`,
        },
      ],
      { env: {} }
    )
    expect([...rs.secretValues].sort()).toEqual(
      [
        'jenkins-token',
        'build-token',
        Buffer.from('bot:jenkins-token').toString('base64'),
        'azure-pat',
        Buffer.from(':azure-pat').toString('base64'),
        'circle-token',
      ].sort()
    )
  })
})
