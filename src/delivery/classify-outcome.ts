import { parseRetryAfter } from './parse-retry-after.ts'

/** What one attempt produced: a response, or no response at all. */
export type AttemptResult =
  | { kind: 'response'; status: number; headers: Record<string, string> }
  | { kind: 'timeout' }
  | { kind: 'network-error'; message: string }

export type Verdict =
  | { decision: 'delivered' }
  | { decision: 'retry'; retryAfterMs: number | null; reason: string }
  | { decision: 'give-up'; reason: string }

/**
 * The longest wait a target can ask for (`Retry-After`, `x-ratelimit-reset`): a day. Capped here,
 * where the wait is read, because everything downstream uses the same value (the retry backoff,
 * a cooldown key's window, a circuit breaker's pause): `Retry-After: 999999999` must not block a
 * target for years.
 */
export const MAX_RETRY_AFTER_MS = 24 * 3600_000

/** 408 Request Timeout, 425 Too Early and 429 Too Many Requests are worth another try. */
const RETRYABLE_4XX = new Set([408, 425, 429])

/**
 * Retry on network errors, timeouts, 408/425/429 and 5xx, honouring `Retry-After`;
 * any other status is permanent (docs/flow-control.md, Delivery), except a 403 that says it is a rate
 * limit (see isRateLimit). Redirects are not followed, so a 3xx is permanent too: following one
 * could send the trigger to another host.
 */
export function classifyOutcome(result: AttemptResult, now: number): Verdict {
  if (result.kind === 'timeout') {
    return { decision: 'retry', retryAfterMs: null, reason: 'timed out' }
  }
  if (result.kind === 'network-error') {
    return { decision: 'retry', retryAfterMs: null, reason: result.message }
  }
  const { status } = result
  if (status >= 200 && status < 300) {
    return { decision: 'delivered' }
  }
  if (status >= 500 || RETRYABLE_4XX.has(status)) {
    return { decision: 'retry', retryAfterMs: retryDelay(result.headers, now), reason: `HTTP ${status}` }
  }
  if (status === 403 && isRateLimit(result.headers)) {
    return { decision: 'retry', retryAfterMs: retryDelay(result.headers, now), reason: 'HTTP 403: rate limited' }
  }
  if (status >= 300 && status < 400) {
    return { decision: 'give-up', reason: `HTTP ${status}: redirects are not followed` }
  }
  return { decision: 'give-up', reason: `HTTP ${status}` }
}

/**
 * GitHub answers an exceeded rate limit with 403 as well as 429: with `x-ratelimit-remaining: 0`
 * (primary limit) or a `retry-after` (secondary limit). A 403 without either is a real refusal.
 */
function isRateLimit(headers: Record<string, string>): boolean {
  return headers['x-ratelimit-remaining']?.trim() === '0' || headers['retry-after'] !== undefined
}

/**
 * `Retry-After`, else the end of an exhausted rate-limit window (`x-ratelimit-reset`, epoch
 * seconds), at most MAX_RETRY_AFTER_MS.
 */
function retryDelay(headers: Record<string, string>, now: number): number | null {
  const delay = askedDelay(headers, now)
  return delay === null ? null : Math.min(delay, MAX_RETRY_AFTER_MS)
}

function askedDelay(headers: Record<string, string>, now: number): number | null {
  const retryAfter = parseRetryAfter(headers['retry-after'], now)
  if (retryAfter !== null) {
    return retryAfter
  }
  const reset = headers['x-ratelimit-reset']?.trim()
  if (headers['x-ratelimit-remaining']?.trim() === '0' && reset !== undefined && /^\d+$/.test(reset)) {
    return Math.max(0, Number(reset) * 1000 - now)
  }
  return null
}
