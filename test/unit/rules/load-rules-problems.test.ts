import { describe, expect, it } from 'vitest'
import { RuleError } from '../../../src/errors.ts'
import { loadRules } from '../../../src/rules/load-rules.ts'
import { at, fixture, problemLines } from './helpers.ts'

const SOURCE_TYPES = 'bitbucket, bitbucket-server, docker-hub, generic, gitea, github, gitlab, harbor, nexus, npm, proget, schedule, standard-webhooks'
const PRESETS = 'azure-pipelines, bitbucket-status, bitrise, buildkite, buildmaster, circleci, gitea-status, github-actions, github-status, gitlab, gitlab-status, http, jenkins, myget, teamcity, travis'
const DURATION_HINT = 'use a number of milliseconds or a number with a unit: 500ms, 10s, 5m, 1h, 1d (parts may combine: 1h30m)'

describe('loadRules problems (file:line:col message)', () => {
  it('unknown source type, at the type value, listing the valid types', async () => {
    const dir = fixture('unknown-source-type')
    expect(await problemLines(dir)).toEqual([
      at(dir, 'rules.yaml', 3, 11, `source github: unknown type "githib" (valid types: ${SOURCE_TYPES})`),
    ])
  })

  it('unknown target type', async () => {
    const dir = fixture('unknown-target-type')
    expect(await problemLines(dir)).toEqual([at(dir, 'rules.yaml', 3, 11, `target ci: unknown type "drone" (valid types: ${PRESETS})`)])
  })

  it('missing required preset option at the target name, unknown option at its key', async () => {
    const dir = fixture('missing-preset-option')
    expect(await problemLines(dir)).toEqual([
      at(dir, 'rules.yaml', 2, 3, 'target bitrise-ios: missing required option app_slug'),
      at(dir, 'rules.yaml', 5, 5, 'target bitrise-ios: unknown option "workflow"'),
    ])
  })

  it('duplicate name across two files: at the second, naming the first', async () => {
    const dir = fixture('duplicate-name')
    expect(await problemLines(dir)).toEqual([
      at(dir, 'b.yaml', 3, 3, `duplicate source name github (first defined at ${dir}/a.yaml:2)`),
    ])
  })

  it('unknown source and unknown target in a route, at the offending list item', async () => {
    const dir = fixture('unknown-route-refs')
    expect(await problemLines(dir)).toEqual([
      at(dir, 'rules.yaml', 11, 22, 'route push-to-hook: unknown source gitlab (declared sources: github)'),
      at(dir, 'rules.yaml', 12, 16, 'route push-to-hook: unknown target bitrise-ios (declared targets: hook)'),
    ])
  })

  it('JSONata syntax errors point inside a one-line `when` and inside a block-scalar `map`', async () => {
    const dir = fixture('jsonata-errors')
    expect(await problemLines(dir)).toEqual([
      // `    when: event = "push" an push.branch = "main"`: the unexpected token `an`
      at(dir, 'rules.yaml', 12, 26, 'route inline-when: when: JSONata syntax error S0201: Syntax error: "an"'),
      // the second comma of `"sha": push.sha,,` on the 3rd line of the `|` block
      at(dir, 'rules.yaml', 20, 25, 'route block-map: map: JSONata syntax error S0211: The symbol "," cannot be used as a unary operator'),
    ])
  })

  it('unresolved variable, naming it, at its position in the value', async () => {
    const dir = fixture('unresolved-variable')
    expect(await problemLines(dir)).toEqual([
      at(
        dir,
        'rules.yaml',
        4,
        13,
        'unresolved variable ${GITHUB_WEBHOOK_SECRET}: set GITHUB_WEBHOOK_SECRET in the environment or give a default with ${GITHUB_WEBHOOK_SECRET:-default}'
      ),
    ])
    const ok = await loadRules(dir, { env: { GITHUB_WEBHOOK_SECRET: 'from-env' } })
    expect(ok.sources.get('github')?.secrets).toEqual(['from-env'])
  })

  it('bad durations and retry values', async () => {
    const dir = fixture('bad-duration')
    expect(await problemLines(dir)).toEqual([
      at(dir, 'rules.yaml', 5, 15, `target hook: cooldown: invalid duration "5 minutes": ${DURATION_HINT}`),
      at(dir, 'rules.yaml', 6, 24, 'target hook: retry.attempts must be a whole number >= 1 (total attempts, including the first)'),
      at(dir, 'rules.yaml', 6, 36, `target hook: retry.backoff: invalid duration "2x": ${DURATION_HINT}`),
    ])
  })

  it('secret and secrets both set', async () => {
    const dir = fixture('secret-and-secrets')
    expect(await problemLines(dir)).toEqual([at(dir, 'rules.yaml', 5, 5, 'source github: set either secret or secrets, not both')])
  })

  it('no secret and no verify: none', async () => {
    const dir = fixture('missing-secret')
    expect(await problemLines(dir)).toEqual([
      at(dir, 'rules.yaml', 2, 3, 'source gitea: no secret: set secret (or secrets, for rotation), or say verify: none to accept unauthenticated requests'),
    ])
  })

  it('unknown top-level key', async () => {
    const dir = fixture('unknown-top-level-key')
    expect(await problemLines(dir)).toEqual([at(dir, 'rules.yaml', 2, 1, 'unknown top-level key "route" (expected sources, targets, routes, notify)')])
  })

  it('a YAML syntax error keeps its position', async () => {
    const dir = fixture('yaml-syntax')
    const lines = await problemLines(dir)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(new RegExp(`^${dir}/rules\\.yaml:5:\\d+ YAML syntax error: Missing closing "quote`))
  })

  it('JSON files are parsed with positions too', async () => {
    const dir = fixture('json-file')
    const lines = await problemLines(dir)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(new RegExp(`^${dir}/rules\\.json:9:\\d+ route r: when: JSONata syntax error S0207: Unexpected end of expression$`))
  })

  it('reports every problem of every file in one RuleError, in file and line order', async () => {
    const dir = fixture('multi-file')
    const err = await loadRules(dir, { env: {} }).then(
      () => null,
      (e: unknown) => e
    )
    expect(err).toBeInstanceOf(RuleError)
    const problems = (err as RuleError).problems
    expect(problems.map((p) => [p.file, p.line, p.col])).toEqual([
      [`${dir}/a.yaml`, 3, 11],
      [`${dir}/b.yml`, 5, 14],
      [`${dir}/b.yml`, 9, 9],
    ])
    expect(problems.map((p) => p.message)).toEqual([
      `source github: unknown type "githib" (valid types: ${SOURCE_TYPES})`,
      `target hook: timeout: invalid duration "soon": ${DURATION_HINT}`,
      // the source github exists (even though invalid), so the route does not cascade on it
      'route r1: unknown target nowhere (declared targets: hook)',
    ])
    expect((err as RuleError).message.split('\n')).toHaveLength(3)
  })

  it('a missing directory is a problem', async () => {
    expect(await problemLines('test/fixtures/rules/does-not-exist')).toEqual(['test/fixtures/rules/does-not-exist:1:1 rules directory not found'])
  })

  it('a file is not a rules directory', async () => {
    const file = `${fixture('missing-secret')}/rules.yaml`
    expect(await problemLines(file)).toEqual([`${file}:1:1 rules path is not a directory`])
  })
})
