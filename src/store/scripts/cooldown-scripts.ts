import { COALESCE_FUNCTIONS } from './includes.ts'

/**
 * The cooldown scripts (cooldown-store.ts). KEYS: a cooldown key's state hash and gate
 * (keys.ts cooldownState / cooldownGate); a delivery's key is ARGV's delivery key prefix + its id.
 */

// KEYS: state, gate. ARGV: delivery id, delivery key prefix, cooldown key, state TTL ms, fold mode.
// Returns { gate ttl, JSON target of the delivery it folded or '', that delivery's id or '' }.
// Recording the latest again (an inbox batch retried after a crash) changes nothing: it must
// neither fold itself nor bump seq.
export const RECORD = `${COALESCE_FUNCTIONS}
local prev = redis.call('HGET', KEYS[1], 'latest')
if prev == ARGV[1] then return {redis.call('PTTL', KEYS[2]), '', ''} end
redis.call('HINCRBY', KEYS[1], 'seq', 1)
local taken = redis.call('HGET', KEYS[1], 'taken')
redis.call('HSET', KEYS[1], 'latest', ARGV[1], 'key', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
local folded, folded_id = '', ''
if prev and prev ~= taken then
  folded = coalesce_delivery(ARGV[2] .. prev, ARGV[1], ARGV[5])
  folded_id = prev
end
return {redis.call('PTTL', KEYS[2]), folded, folded_id}
`

// The latest unsent delivery, folding the one taken before it unless that one settled.
// KEYS: state. ARGV: delivery key prefix, fold mode. Returns { latest, seq, JSON target or '', folded id or '' } or nil.
export const TAKE = `${COALESCE_FUNCTIONS}
local latest = redis.call('HGET', KEYS[1], 'latest')
local seq = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
local sent = tonumber(redis.call('HGET', KEYS[1], 'sent') or '0')
if not latest or seq <= sent then return false end
local taken = redis.call('HGET', KEYS[1], 'taken')
local folded, folded_id = '', ''
if taken and taken ~= latest then
  if not delivery_settled(ARGV[1] .. taken) then
    folded = coalesce_delivery(ARGV[1] .. taken, latest, ARGV[2])
    folded_id = taken
  end
end
redis.call('HSET', KEYS[1], 'taken', latest)
return {latest, seq, folded, folded_id}
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
