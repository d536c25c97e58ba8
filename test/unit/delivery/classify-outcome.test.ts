import { describe, expect, it } from 'vitest'
import { classifyOutcome } from '../../../src/delivery/classify-outcome.ts'

const NOW = Date.parse('2026-01-01T00:00:00Z')
const response = (status: number, headers: Record<string, string> = {}) => ({ kind: 'response' as const, status, headers })

describe('classifyOutcome', () => {
  it.each([200, 201, 202, 204, 299])('HTTP %i is delivered', (status) => {
    expect(classifyOutcome(response(status), NOW)).toEqual({ decision: 'delivered' })
  })

  it.each([408, 425, 429, 500, 502, 503, 504, 599])('HTTP %i is retried', (status) => {
    expect(classifyOutcome(response(status), NOW)).toEqual({ decision: 'retry', retryAfterMs: null, reason: `HTTP ${status}` })
  })

  it.each([400, 401, 403, 404, 409, 410, 422])('HTTP %i is permanent', (status) => {
    expect(classifyOutcome(response(status), NOW)).toEqual({ decision: 'give-up', reason: `HTTP ${status}` })
  })

  it.each([301, 302, 307, 308])('HTTP %i is permanent: redirects are not followed', (status) => {
    expect(classifyOutcome(response(status), NOW)).toEqual({ decision: 'give-up', reason: `HTTP ${status}: redirects are not followed` })
  })

  it('reads Retry-After in seconds and as an HTTP date on a retryable status', () => {
    expect(classifyOutcome(response(429, { 'retry-after': '30' }), NOW)).toMatchObject({ decision: 'retry', retryAfterMs: 30_000 })
    const date = new Date(NOW + 90_000).toUTCString()
    expect(classifyOutcome(response(503, { 'retry-after': date }), NOW)).toMatchObject({ decision: 'retry', retryAfterMs: 90_000 })
  })

  it('ignores Retry-After on a permanent status and a malformed one on a retryable status', () => {
    expect(classifyOutcome(response(404, { 'retry-after': '30' }), NOW)).toEqual({ decision: 'give-up', reason: 'HTTP 404' })
    expect(classifyOutcome(response(503, { 'retry-after': 'soon' }), NOW)).toMatchObject({ decision: 'retry', retryAfterMs: null })
  })

  it('retries a timeout and a network error, with the error as the reason', () => {
    expect(classifyOutcome({ kind: 'timeout' }, NOW)).toEqual({ decision: 'retry', retryAfterMs: null, reason: 'timed out' })
    expect(classifyOutcome({ kind: 'network-error', message: 'connect ECONNREFUSED 127.0.0.1:9' }, NOW)).toEqual({
      decision: 'retry',
      retryAfterMs: null,
      reason: 'connect ECONNREFUSED 127.0.0.1:9',
    })
  })

  it.each([408, 425, 429, 500, 502, 503])('HTTP %i is retried after its Retry-After', (status) => {
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
    expect(classifyOutcome(response(403, { 'x-ratelimit-remaining': '4999', 'x-ratelimit-reset': String(NOW / 1000 + 1800) }), NOW)).toEqual({
      decision: 'give-up',
      reason: 'HTTP 403',
    })
  })
})
