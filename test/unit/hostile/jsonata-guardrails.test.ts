/**
 * Runaway JSONata: every expression is compiled with guardrails (DEFAULT_EXPRESSION_LIMITS), so
 * a huge range, an endless loop or unbounded recursion ends in an ExpressionError carrying
 * JSONata's code instead of stalling the event loop or exhausting memory.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ExpressionError } from '../../../src/errors.ts'
import { compileExpression, DEFAULT_EXPRESSION_LIMITS } from '../../../src/mapping/compile-expression.ts'
import { asyncOutcome, FC } from './arbitraries.ts'

async function failure(text: string, input: unknown = { body: { n: 1 } }): Promise<ExpressionError> {
  const result = await asyncOutcome(() => compileExpression(text).evaluate(input))
  if (result.ok) throw new Error(`expected ${text} to fail, but it produced ${JSON.stringify(result.value)?.slice(0, 100)}`)
  expect(result.error).toBeInstanceOf(ExpressionError)
  return result.error as ExpressionError
}

describe('JSONata guardrails', () => {
  it('keeps the documented defaults', () => {
    expect(DEFAULT_EXPRESSION_LIMITS).toEqual({ timeoutMs: 50, deadlineMs: 250, maxStackDepth: 200, maxSequenceLength: 100_000 })
  })

  // JSONata's own range cap (1e7 items) answers [1..1e9] before anything is allocated
  it.each([
    ['a range of a billion items', '[1..1e9]', 'D2014'],
    ['a range past the sequence limit', '$count([1..1e7])', 'D2015'],
    ['a range just past the sequence limit', `$count([1..${DEFAULT_EXPRESSION_LIMITS.maxSequenceLength + 1}])`, 'D2015'],
    ['unbounded (non-tail) recursion', '($f := function($x){ 1 + $f($x + 1) }; $f(0))', 'D1011'],
    // JSONata runs tail calls without growing the stack, so this one is stopped by the clock
    ['unbounded tail recursion', '($f := function($x){ $f($x + 1) }; $f(0))', 'D1012'],
    ['a long loop', '($loop := function($i){ $i < 1e9 ? $loop($i + 1) : $i }; $loop(0))', 'D1012'],
    ['a quadratic map', '$map([1..99999], function($v){ $sum([1..99999]) })', 'D1012'],
  ])('stops %s: %s -> %s', async (_what, text, code) => {
    const error = await failure(text)
    expect(error.code).toBe('EXPRESSION_FAILED')
    expect(error.jsonataCode).toBe(code)
    expect(error.message).toMatch(new RegExp(`^${code}: `))
  })

  it('stops a runaway that walks a large payload', async () => {
    const body = { items: Array.from({ length: 50_000 }, (_, i) => ({ i, tags: ['a', 'b'] })) }
    const error = await failure('$map(body.items, function($v){ $sum([1..99999]) })', { body })
    expect(error.jsonataCode).toBe('D1012')
  })

  it('leaves the compiled expression usable after a runaway, and other expressions unaffected', async () => {
    const expr = compileExpression('body.n > 3 ? ($f := function($x){ 1 + $f($x + 1) }; $f(0)) : body.n * 2')
    await expect(expr.evaluate({ body: { n: 5 } })).rejects.toMatchObject({ jsonataCode: 'D1011' })
    await expect(expr.evaluate({ body: { n: 2 } })).resolves.toBe(4)
    await expect(compileExpression('$count([1..1000])').evaluate({})).resolves.toBe(1000)
  })

  it('evaluates concurrent runaways and normal expressions each to their own outcome', async () => {
    const runaway = compileExpression('($f := function($x){ $f($x + 1) }; $f(0))')
    const normal = compileExpression('{ "sum": $sum(body.list) }')
    const results = await Promise.allSettled([
      runaway.evaluate({}),
      normal.evaluate({ body: { list: [1, 2, 3] } }),
      runaway.evaluate({}),
      normal.evaluate({ body: { list: [4] } }),
    ])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'rejected', 'fulfilled'])
    expect(results[1]).toMatchObject({ value: { sum: 6 } })
    expect(results[3]).toMatchObject({ value: { sum: 4 } })
  })

  it('turns any expression text into a compiled expression or an EXPRESSION_SYNTAX error, and any evaluation into a value or EXPRESSION_FAILED', async () => {
    // JSONata-ish fragments, so generated texts often parse and actually run
    const token = fc.constantFrom(
      'body', '.', 'n', '[', ']', '(', ')', '{', '}', '"a"', ':', ',', '$', '$f', ':=', 'function($x)', '$x', '+', '*', '..', '1', '1e9',
      '$count(', '$map(', '$string(', '$sum(', '?', ';', '&', '=', '**', '%', '~>', '$$', '|', '@', '#', '^(', '<', '>', ' ', 'and', 'in'
    )
    const text = fc.oneof(fc.array(token, { maxLength: 16 }).map((t) => t.join('')), fc.string({ unit: 'binary', maxLength: 40 }))
    const limits = { ...DEFAULT_EXPRESSION_LIMITS, timeoutMs: 20 }
    await fc.assert(
      fc.asyncProperty(text, fc.jsonValue({ maxDepth: 3 }), async (source, body) => {
        let expr
        try {
          expr = compileExpression(source, limits)
        } catch (error) {
          expect(error).toBeInstanceOf(ExpressionError)
          expect((error as ExpressionError).code).toBe('EXPRESSION_SYNTAX')
          return
        }
        const result = await asyncOutcome(() => expr.evaluate({ body }))
        if (!result.ok) {
          expect(result.error).toBeInstanceOf(ExpressionError)
          expect((result.error as ExpressionError).code).toBe('EXPRESSION_FAILED')
        }
      }),
      FC
    )
  })
})
