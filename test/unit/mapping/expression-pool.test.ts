/**
 * Slow JSONata runs on worker threads with a hard deadline: a built-in that loops inside JSONata
 * (where its own timeout is never checked) is stopped, the event loop keeps turning meanwhile,
 * and the pool replaces the stopped thread.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { ExpressionError } from '../../../src/errors.ts'
import { createExpressionPool } from '../../../src/mapping/expression-pool.ts'
import { DEFAULT_EXPRESSION_LIMITS } from '../../../src/mapping/run-jsonata.ts'
import { JSON_TEXT_MIN_LENGTH, jsonTextOf } from '../../../src/sources/json-text-of.ts'
import { parseJson } from '../../../src/sources/parse-body.ts'

const items = Array.from({ length: 50_000 }, (_, i) => ({ i, tag: `t${i % 7}` }))
const SPREAD = '$count($spread(body.items))'

/** The longest gap between 5 ms ticks while `work` runs: how long the event loop was blocked. */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now()
  let longest = 0
  const ticker = setInterval(() => {
    const now = performance.now()
    longest = Math.max(longest, now - last)
    last = now
  }, 5)
  try {
    await work().catch(() => undefined)
  } finally {
    clearInterval(ticker)
  }
  return longest
}

describe('expression pool', () => {
  const pool = createExpressionPool(2)
  afterAll(() => pool.close())

  it('stops $spread over 50k items at the deadline without blocking the event loop', async () => {
    await expect(pool.evaluate('1 + 1', DEFAULT_EXPRESSION_LIMITS, {})).resolves.toBe(2) // threads loaded
    let error: unknown
    const stall = await longestStall(async () => {
      error = await pool.evaluate(SPREAD, DEFAULT_EXPRESSION_LIMITS, { body: { items } }).catch((err: unknown) => err)
    })
    expect(error).toBeInstanceOf(ExpressionError)
    expect(error).toMatchObject({ code: 'EXPRESSION_FAILED', jsonataCode: 'D1012', message: 'D1012: Expression evaluation stopped after 250 ms (deadline)' })
    // on the event loop this evaluation blocked everything for tens of seconds
    expect(stall).toBeLessThan(1_000)
  })

  it('replaces a stopped thread: later evaluations, concurrent ones included, get their answers', async () => {
    const limits = { ...DEFAULT_EXPRESSION_LIMITS, deadlineMs: 100 }
    const results = await Promise.allSettled([
      pool.evaluate(SPREAD, limits, { body: { items } }),
      pool.evaluate('$sum(body.items.i)', limits, { body: { items: items.slice(0, 10) } }),
      pool.evaluate(SPREAD, limits, { body: { items } }),
      pool.evaluate('$uppercase(x)', limits, { x: 'ok' }),
      pool.evaluate('$count($spread(body.items))', limits, { body: { items: items.slice(0, 3) } }),
    ])
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as ExpressionError).jsonataCode))).toEqual(['D1012', 45, 'D1012', 'OK', 6])
  })

  it('hands a large parsed body to the thread as its text: same value, same key order, risky keys still dropped', async () => {
    const text = JSON.stringify({ z: 1, a: items.slice(0, 5_000), constructor: { prototype: { polluted: true } }, m: 'x' })
    expect(text.length).toBeGreaterThan(JSON_TEXT_MIN_LENGTH)
    const body = parseJson(text)
    expect(jsonTextOf(body)).toBe(text)
    const envelope = { event: 'push', body, after: 'kept' }
    const seen = await pool.evaluate('{ "envelope": $keys($), "body": $keys(body), "n": $count(body.a), "last": body.a[-1].tag, "after": after }', DEFAULT_EXPRESSION_LIMITS, envelope)
    expect(seen).toEqual({ envelope: ['event', 'body', 'after'], body: ['z', 'a', 'm'], n: 5_000, last: 't1', after: 'kept' })
    // the caller's envelope is not touched by the packing
    expect(envelope.body).toBe(body)
  })

  it('passes JSONata errors through with their code and position', async () => {
    await expect(pool.evaluate('$number("x1")', DEFAULT_EXPRESSION_LIMITS, {})).rejects.toMatchObject({ jsonataCode: 'D3030', position: 8 })
  })

  it('fails evaluations in progress when closed, and refuses new ones', async () => {
    const own = createExpressionPool(1)
    const running = own.evaluate(SPREAD, { ...DEFAULT_EXPRESSION_LIMITS, deadlineMs: 60_000 }, { body: { items } }).catch((err: Error) => err.message)
    const waiting = own.evaluate('1', DEFAULT_EXPRESSION_LIMITS, {}).catch((err: Error) => err.message)
    const started = performance.now()
    await own.close()
    expect(await running).toBe('expression evaluation is shut down')
    expect(await waiting).toBe('expression evaluation is shut down')
    expect(performance.now() - started).toBeLessThan(5_000)
    await expect(own.evaluate('1', DEFAULT_EXPRESSION_LIMITS, {})).rejects.toThrow('expression evaluation is shut down')
  })
})
