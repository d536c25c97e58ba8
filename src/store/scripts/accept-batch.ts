import { DEDUP_CAP_FUNCTIONS, INBOX_APPEND_FUNCTION, TRIM_BATCH_MAX, TRIM_FUNCTION } from './includes.ts'
import { SCHEDULE_FIRE_FUNCTION } from './schedule-scripts.ts'

/**
 * Stores a batch of accepted events in one atomic script. Per event: claim the sender's delivery id
 * (when given), store the event and its deliveries; then one inbox entry carries the jobs of every
 * event that was stored. An event is either wholly stored or not at all; a repeat yields the
 * original event id. Retention by age and by count, and the count bound on dedup claims, run once
 * per batch, each removing at most TRIM_BATCH_MAX entries (the retention sweep clears a backlog).
 * KEYS: events index, deliveries index, inbox, dedup claims list
 * ARGV: retention ms, retention count, event key prefix, delivery key prefix, most dedup claims,
 *       then per event two arguments: its record, packed (see eventArgs in accept-event.ts), and its body bytes (stored under the field the record names).
 * Returns one reply per event: '' when stored, else the original event's id.
 */
export const ACCEPT_BATCH = `${TRIM_FUNCTION}${DEDUP_CAP_FUNCTIONS}${INBOX_APPEND_FUNCTION}${SCHEDULE_FIRE_FUNCTION}
local retention, eventPrefix, deliveryPrefix = ARGV[1], ARGV[3], ARGV[4]
local replies, inbox, newest = {}, {}, 0
local eventScores, deliveryScores, claims = {}, {}, {}
for i = 6, #ARGV, 2 do
  -- { event id, dedup key ('' = none), dedup window ms, received ms, event fields, deliveries, jobs JSON, body field,
  --   schedule hash ('' = not a schedule's event), fire time ('' = a manual run) }
  local e = cmsgpack.unpack(ARGV[i])
  local eventId, dedup, now = e[1], e[2], tonumber(e[4])
  local original = false
  if dedup ~= '' then
    if redis.call('SET', dedup, eventId, 'NX', 'PX', e[3]) then
      claims[#claims + 1] = eventId .. ' ' .. dedup
    else
      original = redis.call('GET', dedup) or eventId
    end
  end
  if original then
    replies[#replies + 1] = original
  else
    replies[#replies + 1] = ''
    local key, fields = eventPrefix .. eventId, e[5]
    fields[#fields + 1] = e[8]
    fields[#fields + 1] = ARGV[i + 1]
    redis.call('HSET', key, unpack(fields))
    redis.call('PEXPIRE', key, retention)
    eventScores[#eventScores + 1] = now
    eventScores[#eventScores + 1] = eventId
    for _, d in ipairs(e[6]) do
      local dkey = deliveryPrefix .. d[1]
      redis.call('HSET', dkey, unpack(d[2]))
      redis.call('PEXPIRE', dkey, retention)
      deliveryScores[#deliveryScores + 1] = now
      deliveryScores[#deliveryScores + 1] = d[1]
    end
    if e[9] ~= '' then record_schedule_fire(e[9], e[10], eventId) end
    if e[7] ~= '' then
      inbox[#inbox + 1] = eventId
      inbox[#inbox + 1] = e[7]
    end
    if now > newest then newest = now end
  end
end
-- one ZADD per index for the whole batch
if #eventScores > 0 then
  redis.call('ZADD', KEYS[1], unpack(eventScores))
end
if #deliveryScores > 0 then
  redis.call('ZADD', KEYS[2], unpack(deliveryScores))
end
append_inbox(KEYS[3], inbox)
if #claims > 0 then
  -- RPUSH answers the new length: the cap costs nothing more until it is reached
  cap_claims(KEYS[4], redis.call('RPUSH', KEYS[4], unpack(claims)), tonumber(ARGV[5]), ${TRIM_BATCH_MAX})
end
if newest > 0 then
  trim_by_age(KEYS[1], KEYS[2], newest - tonumber(retention), ${TRIM_BATCH_MAX}, eventPrefix, deliveryPrefix)
  trim_by_count(KEYS[1], KEYS[2], tonumber(ARGV[2]), ${TRIM_BATCH_MAX}, eventPrefix, deliveryPrefix)
end
return replies
`
