import { COALESCE_FUNCTIONS, PARTITION_FUNCTION } from './includes.ts'

/**
 * The cooldown scripts (cooldown-store.ts). KEYS: a cooldown key's state hash, gate and pending
 * folds (keys.ts cooldownState / cooldownGate / cooldownFolds), all in the target's partition; a
 * delivery's key is ARGV's delivery key prefix + its id.
 *
 * Folding a delivery writes its record, which lives in its event's partition. When that is this
 * partition (always, with one partition) the script folds it at once; otherwise it leaves
 * `<folded id> -> <mode> <into>` in the pending folds hash and returns every pending fold, and the
 * caller applies each with FOLD in the record's partition, then forgets it (FOLDS_DONE). A crash
 * in between leaves the fold pending: the next record or take of the key returns it again, and
 * FOLD applied twice changes nothing the second time.
 */
const FOLD_FUNCTIONS = `${COALESCE_FUNCTIONS}${PARTITION_FUNCTION}
-- folds here when the record is in this partition (returns its JSON target), else leaves it pending ('')
local function fold_or_defer(folds, delivery_prefix, id, into, mode, partitions, partition)
  if partition_of(id, partitions) == partition then
    return coalesce_delivery(delivery_prefix .. id, into, mode)
  end
  redis.call('HSET', folds, id, mode .. ' ' .. into)
  redis.call('PEXPIRE', folds, ${30 * 24 * 3600_000})
  return ''
end
local function pending_folds(folds, partitions)
  if partitions == 1 then return {} end
  return redis.call('HGETALL', folds)
end
-- the event part of a delivery id: event ids start with their time, so the smaller is the older
local function event_of(id)
  return string.match(id, '^[^-]*')
end
`

// KEYS: state, gate, folds. ARGV: delivery id, delivery key prefix, cooldown key, state TTL ms, fold
// mode, partitions, this partition.
// Returns { gate ttl, JSON target of the delivery it folded or '', that delivery's id or '', the
// delivery it was folded into or '', pending folds }.
// Recording the latest again (an inbox batch retried after a crash) changes nothing: it must
// neither fold itself nor bump seq.
// With several partitions, deliveries reach this script in the order their partitions' inboxes are
// pumped, not in the order their events came in: one of an event older than the latest's is
// folded into the latest instead of replacing it, so the newest event still fires.
export const RECORD = `${FOLD_FUNCTIONS}
local partitions, partition = tonumber(ARGV[6]), tonumber(ARGV[7])
local prev = redis.call('HGET', KEYS[1], 'latest')
if prev == ARGV[1] then return {redis.call('PTTL', KEYS[2]), '', '', '', pending_folds(KEYS[3], partitions)} end
if partitions > 1 and prev and event_of(ARGV[1]) < event_of(prev) then
  local folded = ''
  if partition_of(ARGV[1], partitions) ~= partition or not delivery_settled(ARGV[2] .. ARGV[1]) then
    folded = fold_or_defer(KEYS[3], ARGV[2], ARGV[1], prev, ARGV[5], partitions, partition)
  end
  return {redis.call('PTTL', KEYS[2]), folded, folded ~= '' and ARGV[1] or '', prev, pending_folds(KEYS[3], partitions)}
end
redis.call('HINCRBY', KEYS[1], 'seq', 1)
local taken = redis.call('HGET', KEYS[1], 'taken')
redis.call('HSET', KEYS[1], 'latest', ARGV[1], 'key', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
local folded, folded_id = '', ''
if prev and prev ~= taken then
  folded = fold_or_defer(KEYS[3], ARGV[2], prev, ARGV[1], ARGV[5], partitions, partition)
  if folded ~= '' then folded_id = prev end
end
return {redis.call('PTTL', KEYS[2]), folded, folded_id, ARGV[1], pending_folds(KEYS[3], partitions)}
`

// The latest unsent delivery, folding the one taken before it unless that one settled.
// KEYS: state, folds. ARGV: delivery key prefix, fold mode, partitions, this partition.
// Returns { latest, seq, JSON target or '', folded id or '', pending folds } or nil.
export const TAKE = `${FOLD_FUNCTIONS}
local partitions, partition = tonumber(ARGV[3]), tonumber(ARGV[4])
local latest = redis.call('HGET', KEYS[1], 'latest')
local seq = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
local sent = tonumber(redis.call('HGET', KEYS[1], 'sent') or '0')
if not latest or seq <= sent then return false end
local taken = redis.call('HGET', KEYS[1], 'taken')
local folded, folded_id = '', ''
if taken and taken ~= latest then
  if partition_of(taken, partitions) ~= partition then
    -- FOLD checks whether it settled, in its own partition
    fold_or_defer(KEYS[2], ARGV[1], taken, latest, ARGV[2], partitions, partition)
  elseif not delivery_settled(ARGV[1] .. taken) then
    folded = coalesce_delivery(ARGV[1] .. taken, latest, ARGV[2])
    folded_id = taken
  end
end
redis.call('HSET', KEYS[1], 'taken', latest)
return {latest, seq, folded, folded_id, pending_folds(KEYS[2], partitions)}
`

// A pending fold, in the folded record's partition: folds it unless it settled (or is gone).
// KEYS: delivery. ARGV: into, mode. Returns the record's JSON target when it folded it, else ''.
export const FOLD = `${COALESCE_FUNCTIONS}
if redis.call('EXISTS', KEYS[1]) == 0 or delivery_settled(KEYS[1]) then return '' end
return coalesce_delivery(KEYS[1], ARGV[1], ARGV[2])
`

// KEYS: state. ARGV: seq sent (only ever moves forward).
export const MARK_SENT = `
local sent = tonumber(redis.call('HGET', KEYS[1], 'sent') or '0')
if tonumber(ARGV[1]) > sent then redis.call('HSET', KEYS[1], 'sent', ARGV[1]) end
return 1
`

// Opens the window if `owner` still holds it. KEYS: gate. ARGV: owner.
export const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`

// Sets the window to exactly ARGV[2] ms (<= 0: opens it) if `owner` still holds it. KEYS: gate. ARGV: owner, ms.
export const SETTLE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[2]) > 0 then return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return redis.call('DEL', KEYS[1])
`
