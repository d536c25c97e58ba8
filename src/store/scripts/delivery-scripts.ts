/** Scripts that update one delivery record (delivery-log.ts). */

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
 * One more delivery of a stored event (a replay): the delivery's hash with its TTL, its place in
 * the deliveries index, and its id appended to the event's JSON `deliveries` list. The delivery
 * is stored even when the event is gone (it then joins no list and answers 0).
 * KEYS: delivery, deliveries index, event. ARGV: delivery id, created ms, retention ms, field/value pairs.
 */
export const ADD_DELIVERY = `
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
local raw = redis.call('HGET', KEYS[3], 'deliveries')
if not raw then return 0 end
local list = cjson.decode(raw)
table.insert(list, ARGV[1])
redis.call('HSET', KEYS[3], 'deliveries', cjson.encode(list))
return 1
`

/** Numbers the next replay of a delivery; nil when the delivery is gone (never recreates it). KEYS: delivery. */
export const NEXT_REPLAY = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
return redis.call('HINCRBY', KEYS[1], 'replays', 1)
`

/** Sets a delivery's fields only while it is stored (never recreates an expired one). KEYS: delivery. ARGV: field/value pairs. */
export const MARK_SUPERSEDED = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return redis.call('HSET', KEYS[1], unpack(ARGV))
`
