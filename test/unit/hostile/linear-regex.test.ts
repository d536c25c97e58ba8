/**
 * Rule regexes run on RE2 (linear time): a pattern that backtracks exponentially on a crafted
 * payload answers at once with JSONata's usual results, and a pattern RE2 cannot run is refused
 * when the rules load, at the regex, with a hint.
 */
import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { ExpressionError, RuleError } from '../../../src/errors.ts'
import { compileExpression, stopExpressionThreads, UNSUPPORTED_REGEX } from '../../../src/mapping/compile-expression.ts'
import { buildRuleSet } from '../../../src/rules/build-rule-set.ts'
import { expectThrows } from './arbitraries.ts'

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/hostile/rules/${name}`, import.meta.url), 'utf8')

afterAll(() => stopExpressionThreads())

describe('rule regexes', () => {
  it('matches (a+)+$ against 40 a and a ! without backtracking', async () => {
    const ruleSet = buildRuleSet([{ path: 'r.yaml', text: fixture('backtracking-regex.yaml') }], { env: {} })
    const when = ruleSet.routesBySource.get('gh')?.[0]?.when
    const started = performance.now()
    await expect(when?.evaluate({ event: 'push', push: { message: `${'a'.repeat(40)}!` } })).resolves.toBe(false)
    await expect(when?.evaluate({ event: 'push', push: { message: 'a'.repeat(5000) } })).resolves.toBe(true)
    // JavaScript's backtracking engine takes minutes on the first input; a generous bound still tells them apart
    expect(performance.now() - started).toBeLessThan(5_000)
  })

  it.each([
    ['$match("ab😀éx éX", /é(x)/i)', [{ match: 'éx', index: 4, groups: ['x'] }, { match: 'éX', index: 7, groups: ['X'] }]],
    ['$replace("a1b22c", /[0-9]+/, "#")', 'a#b#c'],
    ['$replace("2024-05-01", /(\\d+)-(\\d+)-(\\d+)/, "$3.$2.$1")', '01.05.2024'],
    ['$split("a,b;c", /[,;]/)', ['a', 'b', 'c']],
    ['$contains("Release 1.2", /^release \\d/i)', true],
    ['$contains("one\ntwo", /^two$/m)', true],
    ['$contains("one\ntwo", /^two$/)', false],
    ['"refs/heads/main" ~> $match(/refs\\/heads\\/(?<branch>.+)/)', { match: 'refs/heads/main', index: 0, groups: ['main'] }],
  ])('gives JSONata results: %s', async (text, expected) => {
    await expect(compileExpression(text).evaluate({})).resolves.toEqual(expected)
  })

  it.each([
    ['a lookahead', '$contains(x, /^(?!chore)/)', '(?!'],
    ['a lookbehind', '$contains(x, /(?<=v)1/)', '(?<='],
    ['a backreference', '$contains(x, /(a)\\1/)', '\\1'],
  ])('refuses %s when compiling, at the regex', (_what, text, detail) => {
    const error = expectThrows(() => compileExpression(text), ExpressionError)
    expect(error.code).toBe('EXPRESSION_SYNTAX')
    expect(error.jsonataCode).toBe(UNSUPPORTED_REGEX)
    expect(error.message).toContain(detail)
    expect(error.message).toMatch(/linear-time engine \(RE2\) without backreferences/)
  })

  it('reports each unsupported regex of a rule file at its file, line and column', () => {
    const { problems } = expectThrows(() => buildRuleSet([{ path: 'rules/bots.yaml', text: fixture('lookaround-regex.yaml') }], { env: {} }), RuleError)
    expect(problems.map(({ line, col }) => ({ line, col }))).toEqual([
      { line: 9, col: 35 },
      { line: 15, col: 37 },
    ])
    expect(problems[0]?.message).toMatch(/^route not-a-bot: when: regex \/\^\(\?!chore\)\/ is not supported: .*\(\?!.*; match the parts separately/)
    expect(problems[1]?.message).toMatch(/^route repeated-word: when: regex \/\(\\w\+\) \\1\/ is not supported/)
  })
})
