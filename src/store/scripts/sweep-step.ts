import { DEDUP_CAP_FUNCTIONS, TRIM_BATCH_MAX, TRIM_FUNCTION } from './includes.ts'

/**
 * One sweep step: drops at most TRIM_BATCH_MAX records older than the cutoff, beyond the count,
 * and dedup claims beyond their cap or already expired. Returns how many it removed.
 * KEYS: events index, deliveries index, dedup claims list
 * ARGV: cutoff ms, retention count, event key prefix, delivery key prefix, most dedup claims
 */
export const SWEEP_STEP = `${TRIM_FUNCTION}${DEDUP_CAP_FUNCTIONS}
local batch = ${TRIM_BATCH_MAX}
local n = trim_by_age(KEYS[1], KEYS[2], tonumber(ARGV[1]), batch, ARGV[3], ARGV[4])
n = n + trim_by_count(KEYS[1], KEYS[2], tonumber(ARGV[2]), batch, ARGV[3], ARGV[4])
n = n + cap_claims(KEYS[3], redis.call('LLEN', KEYS[3]), tonumber(ARGV[5]), batch)
n = n + drop_expired_claims(KEYS[3], batch)
return n
`
