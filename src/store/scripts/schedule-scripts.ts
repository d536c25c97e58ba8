/**
 * A schedule's fire (schedule-state.ts): moves `last_fire` forward only (ISO 8601 UTC strings
 * compare in time order), so a slow process never moves it back. KEYS: schedule hash. ARGV: fire time, event id.
 */
export const RECORD_FIRE = `
local current = redis.call('HGET', KEYS[1], 'last_fire')
if not current or current < ARGV[1] then
  redis.call('HSET', KEYS[1], 'last_fire', ARGV[1], 'last_event', ARGV[2])
end
return 1
`
