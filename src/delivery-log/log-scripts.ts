/**
 * Lua run next to the delivery log's transactions. Keys are derived from prefixes passed in
 * ARGV, as the claim and cooldown scripts do: every key shares the `{prefix}` hash tag, so they
 * stay on one Cluster slot.
 */

/** Most events one write may trim: keeps a call cheap even right after RETENTION_COUNT was lowered. */
export const TRIM_BATCH_MAX = 100

/**
 * Count retention, as a Lua function other scripts include (the ingest script calls it after
 * storing an event). Drops the oldest events beyond `max` (at most `batch` per call) with their
 * deliveries and attempts. A delivery still queued or retrying keeps its hash (it expires by age)
 * so a worker finishing it never recreates a half record without a TTL; it only leaves the index.
 */
export const TRIM_FUNCTION = `
local function trim_by_count(events, deliveries, max, batch, event_prefix, delivery_prefix)
  local excess = redis.call('ZCARD', events) - max
  if excess <= 0 then return 0 end
  if excess > batch then excess = batch end
  local ids = redis.call('ZRANGE', events, 0, excess - 1)
  for _, id in ipairs(ids) do
    local ok, list = pcall(cjson.decode, redis.call('HGET', event_prefix .. id, 'deliveries') or '[]')
    if ok and type(list) == 'table' then
      for _, d in ipairs(list) do
        local dk = delivery_prefix .. tostring(d)
        local status = redis.call('HGET', dk, 'status')
        if status ~= '"queued"' and status ~= '"retrying"' then
          redis.call('DEL', dk, dk .. ':attempts')
        end
        redis.call('ZREM', deliveries, tostring(d))
      end
    end
    redis.call('DEL', event_prefix .. id)
  end
  redis.call('ZREMRANGEBYRANK', events, 0, excess - 1)
  return #ids
end
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

/**
 * One attempt: appended to the delivery's attempt list, and the delivery's status fields updated.
 * KEYS: attempts list, delivery. ARGV: attempt JSON, retention ms, field/value pairs.
 */
export const RECORD_ATTEMPT = `
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('HSET', KEYS[2], unpack(ARGV, 3))
return 1
`

/**
 * How the delivery log marks a delivery superseded by a newer one, as Lua functions the cooldown
 * scripts include: the status encoding (JSON strings, as record-codec stores fields) stays here.
 * `coalesce_delivery` records a delivery folded into a newer one, `coalesced` (the default) or
 * `superseded` (`coalesced_into` / `superseded_by`), and returns the folded delivery's JSON `target` field ('' when unknown).
 */
export const COALESCE_FUNCTIONS = `
local fold_fields = { coalesced = 'coalesced_into', superseded = 'superseded_by' }
local function coalesce_delivery(delivery_key, into, mode)
  mode = mode or 'coalesced'
  redis.call('HSET', delivery_key, 'status', cjson.encode(mode), fold_fields[mode], cjson.encode(into))
  return redis.call('HGET', delivery_key, 'target') or ''
end
local function delivery_settled(delivery_key)
  local status = redis.call('HGET', delivery_key, 'status')
  return status == '"delivered"' or status == '"failed"' or status == '"coalesced"' or status == '"superseded"'
end
`
