/**
 * Hostile rule files: whatever text or structure the loader is given, buildRuleSet either
 * succeeds or throws a RuleError whose problems are all located (file, line >= 1, col >= 1),
 * never another error, and never hangs: alias bombs and circular aliases are refused up front.
 */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { stringify } from 'yaml'
import { describe, expect, it } from 'vitest'
import { RuleError } from '../../../src/errors.ts'
import { buildRuleSet } from '../../../src/rules/build-rule-set.ts'
import { expectThrows, FC, outcome } from './arbitraries.ts'

const FILE = 'hostile.yaml'
const env = { SECRET: 's3cret', URL: 'https://ci.example.com/' }

function load(text: string) {
  return buildRuleSet([{ path: FILE, text }], { env })
}

/** Loads or fails with located problems; anything else fails the property. */
function expectLoadsOrLocatedProblems(text: string): void {
  const result = outcome(() => load(text))
  if (result.ok) return
  expect(result.error).toBeInstanceOf(RuleError)
  const { problems } = result.error as RuleError
  expect(problems.length).toBeGreaterThan(0)
  for (const p of problems) {
    expect(p.file).toBe(FILE)
    expect(Number.isInteger(p.line) && p.line >= 1, `line of ${JSON.stringify(p)}`).toBe(true)
    expect(Number.isInteger(p.col) && p.col >= 1, `col of ${JSON.stringify(p)}`).toBe(true)
    expect(p.message.length).toBeGreaterThan(0)
  }
}

function problemsOf(text: string): { line: number; col: number; message: string }[] {
  return expectThrows(() => load(text), RuleError).problems.map(({ line, col, message }) => ({ line, col, message }))
}

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/hostile/rules/${name}`, import.meta.url), 'utf8')

describe('rule loader on random input', () => {
  it('loads or reports located problems for random text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), expectLoadsOrLocatedProblems), FC)
  }, 20_000)

  it('loads or reports located problems for YAML-ish token soup (anchors, aliases, merges, tags, variables)', () => {
    const token = fc.constantFrom(
      'sources:', 'targets:', 'routes:', '\n', '\n  ', '\n    ', '\n      ', '- ', '  ', ': ', ':', ',', '{', '}', '[', ']', '"', "'", '|', '>-',
      '#', '&a ', '&b ', '*a', '*b', '<<: ', '<<', '? ', '---\n', '...\n', '%YAML 1.2\n', '!!str ', '!!binary ', '!!map ', '!custom ', 'type: http',
      'type: github', 'type: generic', 'url: ${URL}', 'secret: ${SECRET}', 'verify: none', 'name: r', 'source: gh', 'to: ci', 'when: ', 'map: ',
      'gh', 'ci', 'x', '${', '${X}', '${X:-d}', '$${', '__proto__', 'constructor', 'retry: {attempts: 2}', 'cooldown: 5m', '1e999', '0x1F',
      '\t', '\r\n', '\u00a0', '\ufeff', '\u0000'
    )
    fc.assert(fc.property(fc.array(token, { maxLength: 40 }).map((t) => t.join('')), expectLoadsOrLocatedProblems), FC)
  }, 20_000)

  it('loads or reports located problems for random anchors, aliases and merge keys (also circular ones)', () => {
    type Tree =
      | { kind: 'leaf'; text: string }
      | { kind: 'alias'; pick: number }
      | { kind: 'map'; anchored: boolean; entries: [string, Tree][]; merges: number[] }
      | { kind: 'seq'; anchored: boolean; items: Tree[] }
    const tree = fc.letrec<{ node: Tree }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom('"x"', '1', 'null', 'http', '"https://ci.example.com/"').map((text): Tree => ({ kind: 'leaf', text })),
        fc.nat().map((pick): Tree => ({ kind: 'alias', pick })),
        fc
          .record({
            anchored: fc.boolean(),
            entries: fc.array(fc.tuple(fc.constantFrom('type', 'url', 'method', 'headers', 'retry', 'x', 'y', '__proto__'), tie('node')), { maxLength: 4 }),
            merges: fc.array(fc.nat(), { maxLength: 2 }),
          })
          .map((m): Tree => ({ kind: 'map', ...m })),
        fc.record({ anchored: fc.boolean(), items: fc.array(tie('node'), { maxLength: 4 }) }).map((q): Tree => ({ kind: 'seq', ...q }))
      ),
    })).node
    // an alias may name any anchor opened so far, including one it sits inside (a cycle)
    function render(node: Tree, anchors: string[]): string {
      const alias = (pick: number) => (anchors.length === 0 ? 'null' : `*${anchors[pick % anchors.length]}`)
      if (node.kind === 'leaf') return node.text
      if (node.kind === 'alias') return alias(node.pick)
      const anchor = node.anchored ? `a${anchors.length}` : null
      if (anchor !== null) anchors.push(anchor)
      const prefix = anchor === null ? '' : `&${anchor} `
      if (node.kind === 'seq') return `${prefix}[${node.items.map((i) => render(i, anchors)).join(', ')}]`
      const merges = node.merges.map((m) => `<<: ${alias(m)}`)
      return `${prefix}{ ${[...merges, ...node.entries.map(([k, v]) => `${k}: ${render(v, anchors)}`)].join(', ')} }`
    }
    fc.assert(
      fc.property(fc.array(tree, { minLength: 1, maxLength: 4 }), (trees) => {
        const anchors: string[] = []
        const options = trees.map((t, i) => `o${i}: ${render(t, anchors)}`).join(', ')
        const text = `targets:\n  base: { type: http, url: "https://ci.example.com/", ${options} }\n  ci: ${render(trees[0]!, anchors)}\n`
        expectLoadsOrLocatedProblems(text)
      }),
      FC
    )
  }, 20_000)

  it('loads or reports located problems for random rule structures (as YAML and as JSON)', () => {
    const junk = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('${SECRET}', '${NOPE}', '${', '', 'http://x', 'none', 'body.n', '[1..1e9]', '{', '__proto__'))
    const name = fc.oneof(fc.constantFrom('gh', 'ci', 'app', '__proto__', 'constructor', 'bad name', ''), fc.string({ maxLength: 8 }))
    const source = fc.record(
      { type: fc.oneof(fc.constantFrom('github', 'gitlab', 'generic', 'gitea', 'bitbucket', 'bitbucket-server', 'proget', 'nope'), junk), secret: junk, secrets: junk, verify: junk, hmac: junk, __proto__: junk },
      { requiredKeys: [] }
    )
    const target = fc.record(
      { type: fc.oneof(fc.constantFrom('http', 'bitrise', 'gitlab', 'travis', 'myget', 'buildmaster', 'nope'), junk), url: junk, headers: junk, retry: junk, timeout: junk, cooldown: junk, cooldown_key: junk, method: junk },
      { requiredKeys: [] }
    )
    const route = fc.record({ name, source: fc.oneof(name, fc.array(name, { maxLength: 2 }), junk), to: fc.oneof(name, fc.array(name, { maxLength: 2 }), junk), when: junk, map: junk }, { requiredKeys: [] })
    const doc = fc.record(
      { sources: fc.oneof(fc.dictionary(name, fc.oneof(source, junk), { maxKeys: 3 }), junk), targets: fc.oneof(fc.dictionary(name, fc.oneof(target, junk), { maxKeys: 3 }), junk), routes: fc.oneof(fc.array(fc.oneof(route, junk), { maxLength: 3 }), junk), extra: junk },
      { requiredKeys: [] }
    )
    fc.assert(
      fc.property(doc, fc.boolean(), (value, asJson) => {
        expectLoadsOrLocatedProblems(asJson ? JSON.stringify(value, null, 1) : stringify(value))
      }),
      FC
    )
  }, 30_000)
})

describe('rule loader corpus', () => {
  it('rejects a billion-laughs alias bomb quickly with a clear problem', () => {
    expect(problemsOf(fixture('billion-laughs.yaml'))).toEqual([
      {
        line: 7,
        col: 18,
        message: 'YAML aliases expand too much (limit: 1000 expansions; an alias bomb?): Excessive alias count indicates a resource exhaustion attack',
      },
    ])
  }, 5_000)

  it('rejects merge keys that double at every level (2^30 merges) quickly', () => {
    expect(problemsOf(fixture('merge-bomb.yaml'))).toEqual([expect.objectContaining({ line: 4, message: expect.stringMatching(/^YAML aliases expand too much/) })])
  }, 5_000)

  it('rejects an alias inside the node it refers to (a mapping merging itself, a list containing itself)', () => {
    expect(problemsOf(fixture('circular-merge.yaml'))).toEqual([
      { line: 6, col: 9, message: 'alias *ci is inside the node &ci it refers to (a circular reference cannot be expanded)' },
    ])
    expect(problemsOf(fixture('circular-option.yaml'))).toEqual([
      { line: 6, col: 18, message: 'alias *h is inside the node &h it refers to (a circular reference cannot be expanded)' },
    ])
  }, 5_000)

  it('rejects a merge key on something that is not a mapping, at the merge value', () => {
    expect(problemsOf(fixture('merge-non-map.yaml'))).toEqual([
      { line: 6, col: 20, message: 'a merge key (<<) needs a mapping, an alias of one, or a list of them' },
      { line: 8, col: 13, message: 'a merge key (<<) needs a mapping, an alias of one, or a list of them' },
    ])
  })

  it('treats a __proto__ key as an unknown option, never as a way to set the other options', () => {
    expect(problemsOf(fixture('proto-option.yaml'))).toEqual([
      { line: 3, col: 3, message: 'source open: no secret: set secret (or secrets, for rotation), or say verify: none to accept unauthenticated requests' },
      { line: 5, col: 5, message: 'source open: unknown option "__proto__"' },
      { line: 10, col: 5, message: 'target ci: unknown option "__proto__"' },
    ])
  })

  it('still loads a file that shares one defaults block between hundreds of targets', () => {
    const lines = ['targets:', '  base: &base { type: http, url: "https://ci.example.com/", retry: { attempts: 3 }, timeout: 5s }']
    for (let i = 0; i < 300; i++) lines.push(`  t${i}: { <<: *base, url: "https://ci.example.com/${i}" }`)
    const rules = load(lines.join('\n'))
    expect(rules.targets.size).toBe(301)
    expect(rules.targets.get('t299')).toMatchObject({ retry: { attempts: 3 }, timeoutMs: 5000, options: { url: 'https://ci.example.com/299' } })
  })

  it('reports absurd nesting as a located syntax problem, not a stack overflow', () => {
    for (const text of [`targets: ${'['.repeat(20_000)}${']'.repeat(20_000)}`, `targets:\n${Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i + 1)}a:`).join('\n')}`]) {
      const problems = problemsOf(text)
      expect(problems.length).toBeGreaterThan(0)
      for (const p of problems) expect(p.message).toMatch(/^YAML syntax error: /)
    }
  })

  it('compiles a runaway JSONata at load time (it only fails when evaluated, with its own code)', () => {
    const rules = load(`
sources:
  gh: { type: github, secret: "\${SECRET}" }
targets:
  ci: { type: http, url: "\${URL}" }
routes:
  - name: runaway
    source: gh
    to: ci
    when: '[1..1e9]'
    map: '($f := function($x){ $f($x + 1) }; $f(0))'
`)
    expect(rules.routes.map((r) => r.name)).toEqual(['runaway'])
  })
})
