/**
 * However far away a target says to come back (Retry-After in seconds or as an HTTP date, or an
 * x-ratelimit-reset epoch), the wait classifyOutcome hands to the backoff, the cooldown window and
 * the circuit breaker is at most MAX_RETRY_AFTER_MS.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { classifyOutcome, MAX_RETRY_AFTER_MS } from '../../../src/delivery/classify-outcome.ts'
import { FC } from './arbitraries.ts'

const NOW = Date.parse('2024-06-11T12:00:00Z')
const DAY = 24 * 3600_000

function waitFor(status: number, headers: Record<string, string>): number | null {
  const verdict = classifyOutcome({ kind: 'response', status, headers }, NOW)
  if (verdict.decision !== 'retry') {
    throw new Error(`expected a retry, got ${JSON.stringify(verdict)}`)
  }
  return verdict.retryAfterMs
}

describe('a target asking to wait for years', () => {
  it('caps the wait at a day', () => {
    expect(MAX_RETRY_AFTER_MS).toBe(DAY)
  })

  it.each([
    ['seconds', '999999999'],
    ['seconds with 400 digits (Infinity)', '9'.repeat(400)],
    ['an HTTP date in year 9999', 'Fri, 31 Dec 9999 23:59:59 GMT'],
    ['an HTTP date two days ahead', new Date(NOW + 2 * DAY).toUTCString()],
  ])('Retry-After as %s waits a day', (_, value) => {
    for (const status of [429, 503]) {
      expect(waitFor(status, { 'retry-after': value })).toBe(DAY)
    }
    // GitHub's rate-limit 403 with a Retry-After too
    expect(waitFor(403, { 'retry-after': value })).toBe(DAY)
  })

  it('x-ratelimit-reset far in the future waits a day, on 403 and 429', () => {
    const headers = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(NOW / 1000) + 999_999_999) }
    expect(waitFor(403, headers)).toBe(DAY)
    expect(waitFor(429, headers)).toBe(DAY)
  })

  it('keeps a wait under a day exactly as asked', () => {
    expect(waitFor(429, { 'retry-after': '86399' })).toBe(86_399_000)
    expect(waitFor(429, { 'retry-after': '86400' })).toBe(DAY)
    expect(waitFor(429, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 120) })).toBe(120_000)
  })

  it('never hands on more than a day, whatever the seconds', () => {
    fc.assert(
      fc.property(fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.nat()), (seconds) => {
        const wait = waitFor(503, { 'retry-after': String(seconds) })
        expect(wait).not.toBeNull()
        expect(wait!).toBeGreaterThanOrEqual(0)
        expect(wait!).toBeLessThanOrEqual(DAY)
      }),
      FC
    )
  })
})
