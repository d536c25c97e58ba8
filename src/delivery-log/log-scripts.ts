/**
 * Lua run next to the delivery log's transactions. Keys are derived from prefixes passed in
 * ARGV, as the claim and cooldown scripts do: every key shares the `{prefix}` hash tag, so they
 * stay on one Cluster slot.
 */

/** Most events one write may trim: keeps a call cheap even right after RETENTION_COUNT was lowered. */
export const TRIM_BATCH_MAX = 1000

/**
 * Count retention. Drops the oldest events beyond ARGV[1] (at most ARGV[2] per call) with their
 * deliveries and attempts. A delivery still queued or retrying keeps its hash (it expires by age)
 * so a worker finishing it never recreates a half record without a TTL; it only leaves the index.
 * KEYS: events index, deliveries index. ARGV: max, batch, event key prefix, delivery key prefix.
 */
export const TRIM_BY_COUNT = `
local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[1])
if excess <= 0 then return 0 end
if excess > tonumber(ARGV[2]) then excess = tonumber(ARGV[2]) end
local ids = redis.call('ZRANGE', KEYS[1], 0, excess - 1)
for _, id in ipairs(ids) do
  local ok, list = pcall(cjson.decode, redis.call('HGET', ARGV[3] .. id, 'deliveries') or '[]')
  if ok and type(list) == 'table' then
    for _, d in ipairs(list) do
      local dk = ARGV[4] .. tostring(d)
      local status = redis.call('HGET', dk, 'status')
      if status ~= '"queued"' and status ~= '"retrying"' then
        redis.call('DEL', dk, dk .. ':attempts')
      end
      redis.call('ZREM', KEYS[2], tostring(d))
    end
  end
  redis.call('DEL', ARGV[3] .. id)
end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, excess - 1)
return #ids
`

/** Appends a delivery id to an event's JSON `deliveries` list (a replay joins its event). KEYS: event. */
export const APPEND_DELIVERY = `
local raw = redis.call('HGET', KEYS[1], 'deliveries')
if not raw then return 0 end
local list = cjson.decode(raw)
table.insert(list, ARGV[1])
redis.call('HSET', KEYS[1], 'deliveries', cjson.encode(list))
return 1
`

/** Numbers the next replay of a delivery; nil when the delivery is gone (never recreates it). KEYS: delivery. */
export const NEXT_REPLAY = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
return redis.call('HINCRBY', KEYS[1], 'replays', 1)
`
