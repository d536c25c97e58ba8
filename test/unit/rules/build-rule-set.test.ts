import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { formatRuleProblem, RuleError } from '../../../src/errors.ts'
import { buildRuleSet, type BuildRuleSetOptions } from '../../../src/rules/build-rule-set.ts'
import type { RuleFile } from '../../../src/rules/parse-rule-file.ts'
import type { RuleSet } from '../../../src/rules/types.ts'
import type { SourceType } from '../../../src/sources/types.ts'
import type { TargetPreset } from '../../../src/targets/types.ts'

// Small fakes, injected instead of the real registries: the loader must not depend on them.
const fakeSource: SourceType = {
  type: 'fake',
  optionsSchema: z.object({ verify: z.literal('none').optional(), region: z.enum(['eu', 'us']).default('eu') }).strict(),
  verify() {},
  parse() {
    return { event: 'x', deliveryId: null, ping: false, body: {}, pushes: [], pullRequest: null, package: null }
  },
}

const fakePreset: TargetPreset = {
  type: 'fake-ci',
  optionsSchema: z
    .object({
      url: z.string().startsWith('http', 'must be an http(s) URL'),
      token: z.string().min(1),
      headers: z.record(z.string(), z.string()).optional(),
      nested: z.object({ level: z.number().int() }).optional(),
    })
    .strict(),
  secretOptions: ['token', 'headers'],
  defaultMap: 'body',
  defaultCooldownMs: 60_000,
  buildRequest: () => ({ method: 'POST', url: 'http://x', headers: {}, body: '' }),
}

const fakes: BuildRuleSetOptions = {
  env: {},
  sourceTypes: new Map([['fake', fakeSource]]),
  targetPresets: new Map([['fake-ci', fakePreset]]),
}

function build(text: string, options: BuildRuleSetOptions = {}): RuleSet {
  return buildRuleSet([{ path: 'rules/test.yaml', text }], { ...fakes, ...options })
}

function problems(files: RuleFile[] | string, options: BuildRuleSetOptions = {}): string[] {
  const list = typeof files === 'string' ? [{ path: 'rules/test.yaml', text: files }] : files
  try {
    buildRuleSet(list, { ...fakes, ...options })
  } catch (err) {
    if (err instanceof RuleError) {
      return err.problems.map(formatRuleProblem)
    }
    throw err
  }
  throw new Error('expected problems')
}

const BASE = `
sources:
  in:
    type: fake
    secret: s
targets:
  out:
    type: fake-ci
    url: http://ci.internal
    token: t
`

describe('buildRuleSet', () => {
  it('builds definitions with defaults from injected registries', () => {
    const rs = build(`${BASE}
routes:
  - name: r
    source: in
    to: out
`)
    expect(rs.sources.get('in')).toEqual({
      name: 'in',
      type: 'fake',
      secrets: ['s'],
      options: { region: 'eu' },
      origin: { file: 'rules/test.yaml', line: 3, col: 3 },
    })
    const out = rs.targets.get('out')
    expect(out).toMatchObject({
      name: 'out',
      type: 'fake-ci',
      options: { url: 'http://ci.internal', token: 't' },
      cooldownMs: 60_000, // the preset's default
      cooldownKey: null,
      retry: { attempts: 8, backoffMs: 2_000, maxBackoffMs: 600_000 },
      timeoutMs: 10_000,
    })
    expect(out?.preset).toBe(fakePreset)
    expect(rs.routes[0]).toMatchObject({ name: 'r', sources: ['in'], to: ['out'], when: null, map: null })
    expect(rs.secretValues).toEqual(['s', 't'])
  })

  it('reads every target setting', () => {
    const rs = build(`
targets:
  out:
    type: fake-ci
    url: http://ci.internal
    token: t
    cooldown: 1m
    cooldown_key: push.branch
    retry: { attempts: "3", backoff: 500ms, max_backoff: 1h }
    timeout: 2500
`)
    expect(rs.targets.get('out')).toMatchObject({
      cooldownMs: 60_000,
      retry: { attempts: 3, backoffMs: 500, maxBackoffMs: 3_600_000 },
      timeoutMs: 2_500,
    })
    expect(rs.targets.get('out')?.cooldownKey?.text).toBe('push.branch')
  })

  it('collects secret values: source secrets and secret options, object values included, deduped', () => {
    const rs = build(
      `
sources:
  a: { type: fake, secrets: [one, two] }
  b: { type: fake, secret: two }
targets:
  out:
    type: fake-ci
    url: http://ci.internal
    token: \${CI_TOKEN}
    headers: { Authorization: "Bearer xyz", X-Empty: "" }
`,
      { env: { CI_TOKEN: 'tok' } }
    )
    expect(rs.secretValues).toEqual(['one', 'two', 'tok', 'Bearer xyz'])
  })

  it('groups routes by source in file order, across files, with list sources', () => {
    const rs = buildRuleSet(
      [
        { path: 'rules/a.yaml', text: `${BASE}\n  other: { type: fake-ci, url: http://x, token: t }\nroutes:\n  - { name: r1, source: [in], to: out }\n` },
        { path: 'rules/b.yaml', text: 'sources:\n  in2: { type: fake, verify: none }\nroutes:\n  - { name: r2, source: [in2, in], to: [out, other] }\n' },
      ],
      fakes
    )
    expect([...rs.routesBySource].map(([s, routes]) => [s, routes.map((r) => r.name)])).toEqual([
      ['in', ['r1', 'r2']],
      ['in2', ['r2']],
    ])
    expect(rs.routes[1]?.to).toEqual(['out', 'other'])
  })

  it('reports option schema issues at the offending key or value, nested paths included', () => {
    expect(
      problems(`
targets:
  out:
    type: fake-ci
    url: ftp://ci.internal
    nested:
      level: high
    tokn: t
`)
    ).toEqual([
      'rules/test.yaml:3:3 target out: missing required option token',
      'rules/test.yaml:5:10 target out: url: must be an http(s) URL',
      'rules/test.yaml:7:14 target out: nested.level: Invalid input: expected number, received string',
      'rules/test.yaml:8:5 target out: unknown option "tokn"',
    ])
  })

  it('reports source-type option issues and missing types', () => {
    expect(
      problems(`
sources:
  a:
    type: fake
    secret: s
    region: mars
  b:
    secret: s
  c:
    type: fake
    secret: s
    verify: none
  d:
    type: fake
    secret: ""
    secrets: []
`)
    ).toEqual([
      'rules/test.yaml:6:13 source a: region: Invalid option: expected one of "eu"|"us"',
      'rules/test.yaml:7:3 source b: missing type (valid types: fake)',
      'rules/test.yaml:12:5 source c: verify: none contradicts secret/secrets; remove one of them',
      'rules/test.yaml:15:13 source d: secret is empty',
      'rules/test.yaml:16:5 source d: set either secret or secrets, not both',
      'rules/test.yaml:16:14 source d: secrets must be a non-empty list of strings, got a list',
    ])
  })

  it('checks names and route structure', () => {
    expect(
      problems(`${BASE}
  "bad name": { type: fake-ci, url: http://x, token: t }
routes:
  - name: r
    source: in
    to: out
  - name: r
    source: []
    to: out
    description: nope
  - source: in
  - just a string
`)
    ).toEqual([
      `rules/test.yaml:12:3 invalid target name "bad name": use letters, digits, '_', '.' and '-', starting with a letter or digit (names appear in URLs and Redis keys)`,
      'rules/test.yaml:17:11 duplicate route name r (first defined at rules/test.yaml:14)',
      'rules/test.yaml:18:13 route r: source must name at least one source',
      'rules/test.yaml:20:5 route r: unknown key "description" (expected name, source, when, map, to, report_to)',
      'rules/test.yaml:21:5 route #3: missing name (a unique route name is required)',
      'rules/test.yaml:21:5 route #3: missing to: the target or list of targets to deliver to',
      'rules/test.yaml:22:5 route #4: expected a mapping (name, source, when, map, to), got the string "just a string"',
    ])
  })

  it('explains a map written as a YAML mapping instead of JSONata text', () => {
    expect(problems(`${BASE}\nroutes:\n  - name: r\n    source: in\n    to: out\n    map: { branch: push.branch }\n`)).toEqual([
      'rules/test.yaml:16:10 route r: map must be a JSONata expression string, got a mapping; write the JSONata as text, e.g. "map: |" with the expression on the following lines',
    ])
  })

  it('points JSONata errors inside quoted, folded and multi-line scalars', () => {
    const lines = problems(`${BASE}
  k1: { type: fake-ci, url: http://x, token: t, cooldown: 1s, cooldown_key: '$substring(push.branch, 0, ' }
routes:
  - name: quoted
    source: in
    to: out
    when: "event = \\"push\\" && true"
  - name: folded
    source: in
    to: out
    map: >
      { "a": push.branch,
        "b": ) }
`)
    expect(lines).toEqual([
      // end of input: the last real character of the expression
      'rules/test.yaml:12:103 target k1: cooldown_key: JSONata syntax error S0203: Expected ")" before end of expression',
      // inside a double-quoted scalar with escapes: the second "&" of "&&"
      'rules/test.yaml:17:30 route quoted: when: JSONata syntax error S0211: The symbol "&" cannot be used as a unary operator',
      // the ")" on the second line of a folded (>) block
      'rules/test.yaml:23:14 route folded: map: JSONata syntax error S0211: The symbol ")" cannot be used as a unary operator',
    ])
  })

  it('supports anchors, aliases and merge keys', () => {
    const rs = build(`${BASE}    retry: &r { attempts: 2, backoff: 1s }
  out2:
    <<: { type: fake-ci, url: http://y, token: t2 }
    url: http://z
    retry: *r
`)
    expect(rs.targets.get('out2')).toMatchObject({ options: { url: 'http://z', token: 't2' }, retry: { attempts: 2, backoffMs: 1_000 } })
  })

  it('does not expand variables in keys, and reports malformed references', () => {
    expect(problems('sources:\n  ${NAME}: { type: fake, secret: "${BAD-NAME}" }\n', { env: { NAME: 'x' } })).toEqual([
      `rules/test.yaml:2:3 invalid source name "\${NAME}": use letters, digits, '_', '.' and '-', starting with a letter or digit (names appear in URLs and Redis keys)`,
      'rules/test.yaml:2:35 malformed variable reference: write ${NAME} or ${NAME:-default} (or $${ for a literal ${)',
    ])
  })

  it('rejects a file that is not a mapping, and wrong section shapes', () => {
    expect(problems('- a\n- b\n')).toEqual(['rules/test.yaml:1:1 a rule file must be a mapping with the keys sources, targets, routes and/or notify'])
    expect(problems('sources: [a]\nroutes: { a: 1 }\n')).toEqual([
      'rules/test.yaml:1:10 sources must be a mapping of source name to its definition',
      'rules/test.yaml:2:9 routes must be a list: each route starts with "- name: ..."',
    ])
  })

  it('does not cascade "unknown source" from a file that failed to parse', () => {
    const lines = problems([
      { path: 'rules/a.yaml', text: 'sources:\n  in: { type: fake, secret: "open\n' },
      { path: 'rules/b.yaml', text: 'routes:\n  - { name: r, source: in, to: missing }\n' },
    ])
    expect(lines.length).toBeGreaterThan(0)
    for (const line of lines) {
      expect(line).toMatch(/^rules\/a\.yaml:\d+:\d+ YAML syntax error: /)
    }
  })

  it('accepts empty files and empty sections', () => {
    const rs = buildRuleSet(
      [
        { path: 'a.yaml', text: '' },
        { path: 'b.yaml', text: '# only a comment\n' },
        { path: 'c.yaml', text: 'sources:\ntargets:\nroutes: []\n' },
      ],
      fakes
    )
    expect(rs.sources.size + rs.targets.size + rs.routes.length).toBe(0)
  })
})
