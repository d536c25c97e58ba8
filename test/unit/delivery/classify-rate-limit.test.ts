import { describe, expect, it } from 'vitest'
import { classifyOutcome } from '../../../src/delivery/classify-outcome.ts'

const NOW = Date.parse('2026-01-02T03:04:05Z')
const response = (status: number, headers: Record<string, string> = {}) => ({ kind: 'response' as const, status, headers })

describe('classifyOutcome', () => {
  it.each([200, 201, 202, 204])('%i is delivered', (status) => {
    expect(classifyOutcome(response(status), NOW)).toEqual({ decision: 'delivered' })
  })

  it.each([400, 401, 403, 404, 422])('%i without rate-limit headers is permanent', (status) => {
    expect(classifyOutcome(response(status), NOW)).toEqual({ decision: 'give-up', reason: `HTTP ${status}` })
  })

  it.each([408, 425, 429, 500, 502, 503])('%i is retried after its Retry-After', (status) => {
    expect(classifyOutcome(response(status, { 'retry-after': '7' }), NOW)).toEqual({ decision: 'retry', retryAfterMs: 7000, reason: `HTTP ${status}` })
  })

  it('403 with a retry-after is a secondary rate limit: retried after it', () => {
    expect(classifyOutcome(response(403, { 'retry-after': '60' }), NOW)).toEqual({
      decision: 'retry',
      retryAfterMs: 60_000,
      reason: 'HTTP 403: rate limited',
    })
  })

  it('403 or 429 with x-ratelimit-remaining 0 waits until x-ratelimit-reset', () => {
    const headers = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 1800) }
    expect(classifyOutcome(response(403, headers), NOW)).toEqual({ decision: 'retry', retryAfterMs: 1_800_000, reason: 'HTTP 403: rate limited' })
    expect(classifyOutcome(response(429, headers), NOW)).toEqual({ decision: 'retry', retryAfterMs: 1_800_000, reason: 'HTTP 429' })
  })

  it('403 with requests left in the window is a refusal', () => {
    expect(classifyOutcome(response(403, { 'x-ratelimit-remaining': '4999', 'x-ratelimit-reset': '1767323045' }), NOW)).toEqual({
      decision: 'give-up',
      reason: 'HTTP 403',
    })
  })

  it('3xx is permanent: redirects are not followed', () => {
    expect(classifyOutcome(response(302, { location: 'https://elsewhere.example' }), NOW)).toEqual({
      decision: 'give-up',
      reason: 'HTTP 302: redirects are not followed',
    })
  })
})
