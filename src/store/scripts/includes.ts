/**
 * Lua functions the scripts of src/store/scripts/ include (prepended to a script's text), the way
 * one script shares code with another. Keys the functions touch are derived from prefixes passed
 * in ARGV (keys.ts builds them): every key shares the `{prefix}` hash tag, so they stay on one
 * Cluster slot.
 */

/** Most events one write may trim: keeps a call cheap even right after RETENTION_COUNT was lowered. */
export const TRIM_BATCH_MAX = 100

/**
 * Retention, as Lua functions other scripts include (the ingest script calls them after storing
 * events; the retention sweep calls them on its own). `trim_by_count` drops the oldest events
 * beyond `max`, `trim_by_age` the events received before `cutoff` ms, at most `batch` per call,
 * each with its deliveries and attempts. Deleting by age, instead of only leaving the hashes to
 * their TTL, is what makes a lowered RETENTION apply to records written under the longer one. A
 * delivery still queued or retrying keeps its hash (it expires by its own TTL) so a worker
 * finishing it never recreates a half record without a TTL; it only leaves the index.
 */
export const TRIM_FUNCTION = `
local function drop_events(ids, deliveries, event_prefix, delivery_prefix)
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
end
local function trim_by_count(events, deliveries, max, batch, event_prefix, delivery_prefix)
  local excess = redis.call('ZCARD', events) - max
  if excess <= 0 then return 0 end
  if excess > batch then excess = batch end
  local ids = redis.call('ZRANGE', events, 0, excess - 1)
  drop_events(ids, deliveries, event_prefix, delivery_prefix)
  redis.call('ZREMRANGEBYRANK', events, 0, excess - 1)
  return #ids
end
local function trim_by_age(events, deliveries, cutoff, batch, event_prefix, delivery_prefix)
  local ids = redis.call('ZRANGEBYSCORE', events, '-inf', '(' .. cutoff, 'LIMIT', 0, batch)
  if #ids > 0 then
    drop_events(ids, deliveries, event_prefix, delivery_prefix)
    redis.call('ZREM', events, unpack(ids))
  end
  -- every delivery (a replay too) is listed under its event, dropped above; this clears the rest of the index
  redis.call('ZREMRANGEBYSCORE', deliveries, '-inf', '(' .. cutoff)
  return #ids
end
`

/**
 * How a delivery is marked folded into a newer one, as Lua functions the cooldown scripts include.
 * Statuses are JSON strings, as record-codec.ts stores every field.
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

/**
 * The count bound on dedup claims, as Lua functions the ingest script and the retention sweep
 * include. Each claim (a `SET NX PX` key per sender delivery id) is also pushed, as
 * `<event id> <claim key>`, on a list in claim order; past `max` entries the oldest claims are
 * forgotten early. A claim key is deleted only while it still holds that event id: the same
 * delivery id claimed again after its window is a newer claim, not this one.
 */
export const DEDUP_CAP_FUNCTIONS = `
local function claim_entry(entry)
  local space = string.find(entry, ' ', 1, true)
  return string.sub(entry, 1, space - 1), string.sub(entry, space + 1)
end
local function forget_claims(list, count)
  if count <= 0 then return 0 end
  local entries = redis.call('LRANGE', list, 0, count - 1)
  for _, entry in ipairs(entries) do
    local id, key = claim_entry(entry)
    if redis.call('GET', key) == id then redis.call('DEL', key) end
  end
  redis.call('LTRIM', list, #entries, -1)
  return #entries
end
local function cap_claims(list, length, max, batch)
  local excess = length - max
  if excess > batch then excess = batch end
  return forget_claims(list, excess)
end
-- drops the oldest entries whose claim already expired (its window passed), so the list stays
-- near the number of live claims at a low rate too; stops at the first live claim
local function drop_expired_claims(list, batch)
  local entries = redis.call('LRANGE', list, 0, batch - 1)
  local n = 0
  for _, entry in ipairs(entries) do
    local id, key = claim_entry(entry)
    if redis.call('GET', key) == id then break end
    n = n + 1
  end
  if n > 0 then redis.call('LTRIM', list, n, -1) end
  return n
end
`

/**
 * How an inbox entry is written, as a Lua function the accept script includes: the event and the
 * jobs that deliver it are stored in one atomic step. `pairs`: event id, jobs JSON, ... (one pair
 * per stored event with something to deliver); inbox.ts reads them back.
 */
export const INBOX_APPEND_FUNCTION = `
local function append_inbox(inbox, pairs)
  if #pairs > 0 then redis.call('XADD', inbox, '*', unpack(pairs)) end
end
`

/**
 * The partition of an event or delivery id, as store/partitions.ts partitionOfId computes it: the
 * last two hex digits of the event id (the part before the first `-`) modulo the partitions.
 */
export const PARTITION_FUNCTION = `
local function partition_of(id, partitions)
  if partitions == 1 then return 0 end
  local event = string.match(id, '^[^-]*')
  local byte = string.match(event, '^.*(%x%x)$')
  if not byte then return 0 end
  return tonumber(byte, 16) % partitions
end
`
