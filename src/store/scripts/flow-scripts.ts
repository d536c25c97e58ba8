/** The flow-control scripts (flow-store.ts): a target's concurrency slots and circuit breaker. */

// KEYS: circuit, slots, waiters, waiters-seen. ARGV: member, limit, now, lease, stale.
// Returns { go (1/0), wait ms, reason }.
export const ADMIT = `
local now = tonumber(ARGV[3])
local lease = tonumber(ARGV[4])
local probe = 0
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'open' then
  if redis.call('HGET', KEYS[1], 'manual') == '1' then return {0, lease, 'paused'} end
  local untilMs = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
  if now < untilMs then return {0, untilMs - now, 'paused'} end
  redis.call('HSET', KEYS[1], 'state', 'probing', 'probe', ARGV[1], 'probe_until', now + lease)
  probe = 1
elseif state == 'probing' then
  local probeUntil = tonumber(redis.call('HGET', KEYS[1], 'probe_until') or '0')
  if redis.call('HGET', KEYS[1], 'probe') ~= ARGV[1] and now < probeUntil then
    return {0, math.min(probeUntil - now, 1000), 'probing'}
  end
  redis.call('HSET', KEYS[1], 'probe', ARGV[1], 'probe_until', now + lease)
  probe = 1
end
local limit = tonumber(ARGV[2])
if limit > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  local stale = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now - tonumber(ARGV[5]))
  for _, m in ipairs(stale) do
    redis.call('ZREM', KEYS[3], m)
    redis.call('ZREM', KEYS[4], m)
  end
  if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then
    local free = limit - redis.call('ZCARD', KEYS[2])
    local ahead = redis.call('ZRANK', KEYS[3], ARGV[1]) or redis.call('ZCARD', KEYS[3])
    if free <= 0 or ahead >= free then
      redis.call('ZADD', KEYS[3], 'NX', now, ARGV[1])
      redis.call('ZADD', KEYS[4], now, ARGV[1])
      redis.call('PEXPIRE', KEYS[3], ARGV[5])
      redis.call('PEXPIRE', KEYS[4], ARGV[5])
      return {0, lease, 'concurrency'}
    end
    redis.call('ZREM', KEYS[3], ARGV[1])
    redis.call('ZREM', KEYS[4], ARGV[1])
  end
  redis.call('ZADD', KEYS[2], now + lease, ARGV[1])
  redis.call('PEXPIRE', KEYS[2], lease)
end
return {1, 0, probe == 1 and 'probe' or ''}
`

// Frees member's slot; returns the waiters that now fit. KEYS: slots, waiters. ARGV: member, limit.
export const FREE_SLOT = `
redis.call('ZREM', KEYS[1], ARGV[1])
local free = tonumber(ARGV[2]) - redis.call('ZCARD', KEYS[1])
if free <= 0 then return {} end
return redis.call('ZRANGE', KEYS[2], 0, free - 1)
`

// KEYS: circuit. ARGV: member, ok (1/0), now, failures threshold (0: no breaker), pause, retry-after, max pause, ttl.
// Returns { transition, pause ms }.
export const COUNT_OUTCOME = `
local state = redis.call('HGET', KEYS[1], 'state')
local isProbe = state == 'probing' and redis.call('HGET', KEYS[1], 'probe') == ARGV[1]
if ARGV[2] == '1' then
  if isProbe then
    redis.call('DEL', KEYS[1])
    return {'resumed', 0}
  end
  -- a success ends the row of failures; a pause already in place stays until its probe or a resume
  if state then redis.call('HDEL', KEYS[1], 'failures') else redis.call('DEL', KEYS[1]) end
  return {'', 0}
end
local threshold = tonumber(ARGV[4])
local now = tonumber(ARGV[3])
local retryAfter = tonumber(ARGV[6])
if not state and threshold <= 0 then return {'', 0} end
-- every failed attempt is counted, also one that ends while the target is paused (a failed probe,
-- an attempt already in flight when the breaker opened): the count is the failures in a row
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
-- a pause by hand lasts until resumed: its key keeps no expiry
if redis.call('HGET', KEYS[1], 'manual') ~= '1' then redis.call('PEXPIRE', KEYS[1], ARGV[8]) end
if isProbe then
  local pause = math.min(tonumber(redis.call('HGET', KEYS[1], 'pause') or ARGV[5]) * 2, tonumber(ARGV[7]))
  pause = math.max(pause, retryAfter)
  redis.call('HSET', KEYS[1], 'state', 'open', 'until', now + pause, 'pause', pause)
  redis.call('HDEL', KEYS[1], 'probe', 'probe_until')
  return {'probe_failed', pause}
end
if state or failures < threshold then return {'', 0} end
local pause = math.max(tonumber(ARGV[5]), retryAfter)
redis.call('HSET', KEYS[1], 'state', 'open', 'until', now + pause, 'pause', pause)
return {'paused', pause}
`

// A probe that sent nothing hands the probe to the next delivery. KEYS: circuit. ARGV: member, now.
export const DROP_PROBE = `
if redis.call('HGET', KEYS[1], 'state') == 'probing' and redis.call('HGET', KEYS[1], 'probe') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'state', 'open', 'until', ARGV[2])
  redis.call('HDEL', KEYS[1], 'probe', 'probe_until')
end
return 1
`

export const PAUSE = `
if redis.call('HGET', KEYS[1], 'manual') == '1' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'open', 'manual', '1')
redis.call('HDEL', KEYS[1], 'probe', 'probe_until', 'until')
redis.call('PERSIST', KEYS[1])
return 1
`

export const RESUME = `
local state = redis.call('HGET', KEYS[1], 'state')
redis.call('DEL', KEYS[1])
if state then return 1 end
return 0
`
