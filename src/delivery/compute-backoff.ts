import type { RetryPolicy } from '../rules/types.ts'

/** Retry-After values beyond a day are treated as a day, so a broken header cannot park a delivery forever. */
export const MAX_RETRY_AFTER_MS = 24 * 3600_000

/**
 * Delay before retry number `retry` (1 = first retry): the target's `Retry-After` when it sent one,
 * else capped exponential backoff with jitter, drawn from [half, full] of the capped delay.
 */
export function computeBackoff(
  retry: number,
  policy: Pick<RetryPolicy, 'backoffMs' | 'maxBackoffMs'>,
  retryAfterMs: number | null,
  random: () => number = Math.random
): number {
  if (retryAfterMs !== null) {
    return Math.min(retryAfterMs, MAX_RETRY_AFTER_MS)
  }
  const full = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** Math.max(0, retry - 1))
  return Math.round(full / 2 + random() * (full / 2))
}
