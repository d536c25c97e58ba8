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

/** 408 Request Timeout, 425 Too Early and 429 Too Many Requests are worth another try. */
const RETRYABLE_4XX = new Set([408, 425, 429])

/**
 * Retry on network errors, timeouts, 408/425/429 and 5xx, honouring `Retry-After`;
 * any other status is permanent (product.md section 6). Redirects are not followed, so a 3xx
 * is permanent too: following one could send the trigger to another host.
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
    return {
      decision: 'retry',
      retryAfterMs: parseRetryAfter(result.headers['retry-after'], now),
      reason: `HTTP ${status}`,
    }
  }
  if (status >= 300 && status < 400) {
    return { decision: 'give-up', reason: `HTTP ${status}: redirects are not followed` }
  }
  return { decision: 'give-up', reason: `HTTP ${status}` }
}
