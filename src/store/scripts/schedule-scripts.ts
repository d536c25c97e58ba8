/**
 * A schedule's fire, as a Lua function the accept script includes, so the fire is recorded in the
 * same atomic step as the event it stored. A tick moves `last_fire` forward only (ISO 8601 UTC
 * strings compare in time order), so a slow process never moves it back; a manual run (fire time
 * '') sets `last_event` alone.
 */
export const SCHEDULE_FIRE_FUNCTION = `
local function record_schedule_fire(key, fire_time, event_id)
  if fire_time == '' then
    redis.call('HSET', key, 'last_event', event_id)
    return
  end
  local current = redis.call('HGET', key, 'last_fire')
  if not current or current < fire_time then
    redis.call('HSET', key, 'last_fire', fire_time, 'last_event', event_id)
  end
end
`
