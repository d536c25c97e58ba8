/**
 * The fast evaluator must agree with JSONata on everything it answers: random expressions from
 * the subset it compiles, over random inputs (arrays, nulls, numbers, nested objects included),
 * are run by both; where the fast path answers, the value must be JSONata's, and where JSONata
 * fails, the fast path must hand over (SLOW_PATH) rather than invent a value.
 */
import fc from 'fast-check'
import jsonata from 'jsonata'
import { describe, expect, it } from 'vitest'
import { compileExpression } from '../../../src/mapping/compile-expression.ts'
import { compileFast, SLOW_PATH } from '../../../src/mapping/fast-expression.ts'

const FIELDS = ['a', 'b', 'push', 'branch', 'n']

const literal = fc.constantFrom('"main"', '""', '"Main"', '0', '1', '2.5', '-3', 'true', 'false', 'null')
const path = fc.array(fc.constantFrom(...FIELDS), { minLength: 1, maxLength: 3 }).map((steps) => steps.join('.'))

const { expr } = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    path,
    literal,
    fc.tuple(tie('expr'), fc.constantFrom('=', '!=', '<', '<=', '>', '>=', 'and', 'or', '&'), tie('expr')).map(([l, op, r]) => `(${l} ${op} ${r})`),
    fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([c, t, e]) => `(${c} ? ${t} : ${e})`),
    fc.tuple(tie('expr'), tie('expr')).map(([c, t]) => `(${c} ? ${t})`),
    fc.tuple(tie('expr'), tie('expr')).map(([x, y]) => `{ "x": ${x}, "y": ${y} }`),
    fc.tuple(fc.constantFrom('$exists', '$lowercase', '$uppercase'), tie('expr')).map(([f, x]) => `${f}(${x})`),
    fc.tuple(tie('expr'), fc.array(literal, { maxLength: 3 })).map(([x, list]) => `(${x} in [${list.join(', ')}])`)
  ),
}))

const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('main', '', 'Main', 'feature/x', 0, 1, 2.5, -3, true, false, null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...FIELDS), tie('value'), { maxKeys: 4 })
  ),
}))
const input = fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 5 })

type Outcome = { ok: true; value: unknown } | { ok: false; code: string }

async function viaJsonata(text: string, data: unknown): Promise<Outcome> {
  try {
    return { ok: true, value: normalize(await jsonata(text).evaluate(data)) }
  } catch (err) {
    return { ok: false, code: String((err as { code?: string }).code) }
  }
}

/** JSONata tags sequences; compare as JSON (undefined stays undefined). */
function normalize(v: unknown): unknown {
  return v === undefined ? undefined : (JSON.parse(JSON.stringify(v)) as unknown)
}

describe('fast JSONata evaluator', () => {
  it('agrees with JSONata wherever it answers, and hands over wherever JSONata fails', async () => {
    let answered = 0
    let runs = 0
    await fc.assert(
      fc.asyncProperty(expr, input, async (text, data) => {
        const fast = compileFast(jsonata(text).ast())
        expect(fast, `${text} is in the subset`).not.toBeNull()
        runs++
        const quick = fast!(data)
        const expected = await viaJsonata(text, data)
        if (quick === SLOW_PATH) return
        answered++
        expect(expected, `${text} over ${JSON.stringify(data)}`).toEqual({ ok: true, value: normalize(quick) })
      }),
      { numRuns: 3000 }
    )
    // the property is only worth something if most cases really took the fast path
    expect(answered / runs).toBeGreaterThan(0.5)
  })

  it('gives the same results through compileExpression, fast path or not', async () => {
    await fc.assert(
      fc.asyncProperty(expr, input, async (text, data) => {
        const expected = await viaJsonata(text, data)
        let actual: Outcome
        try {
          actual = { ok: true, value: normalize(await compileExpression(text).evaluate(data)) }
        } catch (err) {
          actual = { ok: false, code: String((err as { jsonataCode?: string }).jsonataCode) }
        }
        expect(actual, `${text} over ${JSON.stringify(data)}`).toEqual(expected)
      }),
      { numRuns: 1000 }
    )
  })

  it.each([
    'event = "push" and push.branch != null',
    'push.branch in ["main", "develop"]',
    '{ "body": { "branch": push.branch, "sha": push.sha } }',
    '{ "ref": push.branch, "variables": { "SOURCE_SHA": push.sha } }',
    '"apps/" & body.app',
    '$lowercase(package.event) = "added" and package.feed = "VendorPackages"',
    'push.tag != null ? push.tag : push.branch',
    'body',
  ])('compiles the everyday rule expression %s', (text) => {
    expect(compileFast(jsonata(text).ast())).not.toBeNull()
  })

  it.each([
    'push.commits[0].id',
    '$contains(push.branch, /^release\\//)',
    '[push.branch]',
    '$x := 1',
    '{ "a": 1, "a": 2 }',
    'body.*',
    '$string(1)',
  ])('leaves %s to JSONata', (text) => {
    expect(compileFast(jsonata(text).ast())).toBeNull()
  })

  it('hands arrays to JSONata, which maps paths over them and flattens the results', async () => {
    const fast = compileFast(jsonata('a.b').ast())!
    expect(fast({ a: [{ b: 1 }] })).toBe(SLOW_PATH)
    expect(fast({ a: { b: [1] } })).toBe(SLOW_PATH)
    expect(await compileExpression('a.b').evaluate({ a: [{ b: 1 }] })).toBe(1)
    expect(await compileExpression('a.b').evaluate({ a: [{ b: 1 }, { b: [2, 3] }] })).toEqual([1, 2, 3])
  })

  it('keeps JSONata type errors: comparing a string with a number fails', async () => {
    const fast = compileFast(jsonata('a < 1').ast())!
    expect(fast({ a: 'x' })).toBe(SLOW_PATH)
    await expect(compileExpression('a < 1').evaluate({ a: 'x' })).rejects.toMatchObject({ jsonataCode: 'T2009' })
  })
})
