import type { RetryPolicy } from '../rules/types.ts'

/**
 * Delay before retry number `retry` (1 = first retry): the target's `Retry-After` when it sent one
 * (already capped where it was read, see classifyOutcome), else capped exponential backoff with
 * jitter, drawn from [half, full] of the capped delay.
 */
export function computeBackoff(
  retry: number,
  policy: Pick<RetryPolicy, 'backoffMs' | 'maxBackoffMs'>,
  retryAfterMs: number | null,
  random: () => number = Math.random
): number {
  if (retryAfterMs !== null) {
    return retryAfterMs
  }
  const full = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** Math.max(0, retry - 1))
  return Math.round(full / 2 + random() * (full / 2))
}
