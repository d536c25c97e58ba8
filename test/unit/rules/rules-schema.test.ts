import { describe, expect, it } from 'vitest'
import { formatRuleProblem, RuleError } from '../../../src/errors.ts'
import { buildRuleSet } from '../../../src/rules/build-rule-set.ts'
import { DEFAULT_RETRY, targetSettings } from '../../../src/rules/rule-file-fields.ts'

function problems(text: string): string[] {
  try {
    buildRuleSet([{ path: 'rules/t.yaml', text }])
  } catch (err) {
    if (err instanceof RuleError) return err.problems.map(formatRuleProblem)
    throw err
  }
  throw new Error('expected problems, but the rules loaded')
}

const target = (extra: string) => `targets:\n  hook:\n    type: http\n    url: http://hook.example\n${extra}`

describe("the target's own keys, from one schema", () => {
  it('parses defaults: retry 8 / 2s / 10m, timeout 10s, no flow control', () => {
    expect(targetSettings.parse({})).toEqual({
      cooldownMs: undefined,
      timeoutMs: 10_000,
      retry: { attempts: 8, backoffMs: 2_000, maxBackoffMs: 600_000 },
      flow: { concurrency: null, supersede: false, circuit: null },
    })
    expect(DEFAULT_RETRY).toEqual({ attempts: 8, backoffMs: 2_000, maxBackoffMs: 600_000 })
    expect(targetSettings.parse({ retry: null, cooldown: '1h30m', timeout: '5s', concurrency: ' 4 ', supersede: 'true' })).toMatchObject({
      cooldownMs: 5_400_000,
      timeoutMs: 5_000,
      flow: { concurrency: 4, supersede: true },
    })
  })

  it('names each unknown retry key at the key, and a retry that is not a mapping at its value', () => {
    expect(problems(target('    retry: { attempts: 2, tries: 3, delay: 1s }\n'))).toEqual([
      'rules/t.yaml:5:27 target hook: unknown retry key "tries" (expected attempts, backoff, max_backoff)',
      'rules/t.yaml:5:37 target hook: unknown retry key "delay" (expected attempts, backoff, max_backoff)',
    ])
    expect(problems(target('    retry: [3]\n'))).toEqual(['rules/t.yaml:5:12 target hook: retry must be a mapping { attempts, backoff, max_backoff }'])
  })

  it('reports max_backoff shorter than backoff at max_backoff, or at the name when max_backoff is the default', () => {
    expect(problems(target('    retry: { backoff: 1m, max_backoff: 10s }\n'))).toEqual([
      'rules/t.yaml:5:40 target hook: retry.max_backoff must not be shorter than retry.backoff',
    ])
    expect(problems(target('    retry: { backoff: 1h }\n'))).toEqual(['rules/t.yaml:2:3 target hook: retry.max_backoff must not be shorter than retry.backoff'])
  })

  it('reports a fractional whole number once, and a missing circuit key once', () => {
    expect(problems(target('    concurrency: 0.5\n    circuit: {}\n'))).toEqual([
      'rules/t.yaml:5:18 target hook: concurrency must be a whole number >= 1',
      'rules/t.yaml:6:14 target hook: circuit needs both failures (failed attempts in a row) and pause (a duration)',
    ])
  })
})

describe("a source's secret and secrets, from one schema", () => {
  it('reports each bad secret at its own position', () => {
    expect(problems('sources:\n  gh:\n    type: github\n    secrets: [good-secret, 42, ""]\n')).toEqual([
      'rules/t.yaml:4:28 source gh: each of secrets must be a string (quote it), got number 42',
      'rules/t.yaml:4:32 source gh: a secret in secrets is empty',
    ])
    expect(problems('sources:\n  gh:\n    type: github\n    secret: { value: x }\n')).toEqual([
      'rules/t.yaml:4:13 source gh: secret must be a string (quote it), got a mapping',
    ])
  })
})

describe("a route's name, source and to, from one schema", () => {
  const head = 'sources:\n  gh:\n    type: github\n    verify: none\ntargets:\n  ci:\n    type: http\n    url: http://ci.example\nroutes:\n'

  it('reports a name that is not a string, and each bad or unknown name in a list at its own position', () => {
    expect(problems(`${head}  - { name: 7, source: [gh, 5, nope], to: [] }\n`)).toEqual([
      'rules/t.yaml:10:13 route #1: missing name (a unique route name is required)',
      'rules/t.yaml:10:29 route #1: source must be a source name or a list of them, got number 5',
      'rules/t.yaml:10:43 route #1: to must name at least one target',
    ])
    expect(problems(`${head}  - { name: r, source: [gh, nope], to: ci }\n`)).toEqual(['rules/t.yaml:10:29 route r: unknown source nope (declared sources: gh)'])
  })

  it('reads one name or a list, each once', () => {
    const rules = buildRuleSet([{ path: 'rules/t.yaml', text: `${head}  - { name: r, source: [gh, gh], to: ci }\n` }])
    expect(rules.routes[0]).toMatchObject({ name: 'r', sources: ['gh'], to: ['ci'] })
  })
})

describe("a route's report_to, from one schema", () => {
  const head =
    'sources:\n  gh:\n    type: github\n    verify: none\ntargets:\n  ci:\n    type: http\n    url: http://ci.example\n  st:\n    type: github-status\n    token: t\nroutes:\n'

  it('reports a bad entry, a missing target and a non-text expression at their positions', () => {
    expect(problems(`${head}  - { name: r, source: gh, to: ci, report_to: [5, { sha: x }, { target: st, sha: [a] }] }\n`)).toEqual([
      'rules/t.yaml:13:48 route r: report_to entries are a reporter target name or { target, repository, sha }, got number 5',
      'rules/t.yaml:13:51 route r: report_to entries are a reporter target name or { target, repository, sha }, got a mapping',
      'rules/t.yaml:13:82 route r: sha must be a JSONata expression string, got a list; write the JSONata as text, e.g. "sha: |" with the expression on the following lines',
    ])
  })

  it('reads names and { target, repository, sha } entries', () => {
    const rules = buildRuleSet([{ path: 'rules/t.yaml', text: `${head}  - { name: r, source: gh, to: ci, report_to: [{ target: st, sha: body.sha }] }\n` }])
    expect(rules.routes[0]?.reportTo).toMatchObject([{ target: 'st', repository: null, sha: { text: 'body.sha' } }])
  })
})
