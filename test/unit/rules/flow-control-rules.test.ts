import { describe, expect, it } from 'vitest'
import { formatRuleProblem, RuleError } from '../../../src/errors.ts'
import { buildRuleSet } from '../../../src/rules/build-rule-set.ts'
import type { RuleSet } from '../../../src/rules/types.ts'

function build(text: string): RuleSet {
  return buildRuleSet([{ path: 'rules/flow.yaml', text }], { env: { SLACK_URL: 'https://hooks.slack.example/services/T1/B2/secret-part' } })
}

function problems(text: string): string[] {
  try {
    build(text)
  } catch (err) {
    if (err instanceof RuleError) return err.problems.map(formatRuleProblem)
    throw err
  }
  throw new Error('expected problems, but the rules loaded')
}

const target = (extra: string) => `targets:
  jenkins:
    type: http
    url: http://jenkins.example:8080/job/app/build
${extra}`

describe('flow-control keys of a target', () => {
  it('reads concurrency, supersede, cooldown_key and circuit', () => {
    const rules = build(target('    concurrency: 2\n    supersede: true\n    cooldown_key: push.branch\n    circuit: { failures: 5, pause: 5m }\n'))
    const t = rules.targets.get('jenkins')!
    expect(t.flow).toEqual({ concurrency: 2, supersede: true, circuit: { failures: 5, pauseMs: 300_000 } })
    expect(t.cooldownMs).toBe(0)
    expect(t.cooldownKey?.text).toBe('push.branch')
  })

  it('defaults to no cap, no supersede, no breaker; numeric strings from ${VAR} are accepted', () => {
    expect(build(target('')).targets.get('jenkins')!.flow).toEqual({ concurrency: null, supersede: false, circuit: null })
    expect(build(target('    concurrency: "3"\n    supersede: "false"\n')).targets.get('jenkins')!.flow).toMatchObject({ concurrency: 3, supersede: false })
  })

  it('reports every bad value at its line and column', () => {
    expect(problems(target('    concurrency: 0\n    supersede: yes-please\n    circuit: { failures: 1.5, pause: 0s, trip: 3 }\n'))).toEqual([
      'rules/flow.yaml:5:18 target jenkins: concurrency must be a whole number >= 1',
      'rules/flow.yaml:6:16 target jenkins: supersede must be true or false',
      'rules/flow.yaml:7:26 target jenkins: circuit.failures must be a whole number >= 1',
      'rules/flow.yaml:7:38 target jenkins: circuit.pause must be greater than 0',
      'rules/flow.yaml:7:42 target jenkins: unknown circuit key "trip" (expected failures, pause)',
    ])
    expect(problems(target('    circuit: { failures: 3 }\n'))).toEqual([
      'rules/flow.yaml:5:14 target jenkins: circuit needs both failures (failed attempts in a row) and pause (a duration)',
    ])
    expect(problems(target('    circuit: 5\n'))).toEqual(['rules/flow.yaml:5:14 target jenkins: circuit must be a mapping { failures, pause }'])
  })
})

describe('notify entries', () => {
  it('reads type, url and on; the url is a secret', () => {
    const rules = build('notify:\n  ops-chat:\n    type: slack\n    url: ${SLACK_URL}\n    on: [delivery_failed, target_paused]\n')
    expect(rules.notifiers.get('ops-chat')).toMatchObject({ name: 'ops-chat', type: 'slack', on: ['delivery_failed', 'target_paused'] })
    expect(rules.secretValues).toContain('https://hooks.slack.example/services/T1/B2/secret-part')
  })

  it('reports unknown kinds, events and keys, bad URLs and duplicates at their positions', () => {
    expect(
      problems(
        'notify:\n  a:\n    type: email\n    url: ftp://x\n    on: [delivery_failed, build_broken]\n    channel: x\n  b:\n    type: http\n    url: http://x.example\n    on: []\n'
      )
    ).toEqual([
      'rules/flow.yaml:3:11 notify a: type: must be one of slack, teams, http',
      'rules/flow.yaml:4:10 notify a: url: must be an http(s) URL, got the scheme "ftp:"',
      'rules/flow.yaml:5:27 notify a: on.1: must be one of delivery_failed, target_paused, target_resumed, rules_invalid',
      'rules/flow.yaml:6:5 notify a: unknown option "channel"',
      'rules/flow.yaml:10:9 notify b: on: list at least one of delivery_failed, target_paused, target_resumed, rules_invalid',
    ])
  })

  it('rejects the same notify name in two files', () => {
    const files = [
      { path: 'rules/a.yaml', text: 'notify:\n  ops: { type: http, url: "http://x.example", on: [rules_invalid] }\n' },
      { path: 'rules/b.yaml', text: 'notify:\n  ops: { type: http, url: "http://y.example", on: [rules_invalid] }\n' },
    ]
    expect(() => buildRuleSet(files)).toThrow(/rules\/b\.yaml:2:3 duplicate notify name ops \(first defined at rules\/a\.yaml:2\)/)
  })
})
