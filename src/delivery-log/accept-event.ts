import type { Redis } from 'ioredis'
import type { Keys } from './keys.ts'
import { TRIM_BATCH_MAX, TRIM_FUNCTION } from './log-scripts.ts'
import { RAW_BODY_FIELD, serialize } from './record-codec.ts'
import type { DeliveryRecord, EventRecord } from './records.ts'

/**
 * Claims the sender's delivery id (when given), stores the event and its deliveries, and appends the
 * jobs to the inbox stream: all in one atomic script, so an event is either wholly stored or not at
 * all, and a repeat returns the original event id. One round trip per event.
 * KEYS: event, events index, deliveries index, inbox [, dedup]
 * ARGV: event id, dedup window ms, retention ms, now ms, delivery key prefix, retention count,
 *       E, E field/value pairs, D, D x (id, F, F field/value pairs), jobs JSON ('' = none)
 */
const ACCEPT = `${TRIM_FUNCTION}
local eventId, retention, now, prefix = ARGV[1], ARGV[3], tonumber(ARGV[4]), ARGV[5]
if #KEYS == 5 and not redis.call('SET', KEYS[5], eventId, 'NX', 'PX', ARGV[2]) then
  return redis.call('GET', KEYS[5])
end
local pos = 7
local function pairs_at()
  local n = tonumber(ARGV[pos]) * 2
  local out = {}
  for j = 1, n do out[j] = ARGV[pos + j] end
  pos = pos + n + 1
  return out
end
redis.call('HSET', KEYS[1], unpack(pairs_at()))
redis.call('PEXPIRE', KEYS[1], retention)
redis.call('ZADD', KEYS[2], now, eventId)
local deliveries = tonumber(ARGV[pos])
pos = pos + 1
for _ = 1, deliveries do
  local key = prefix .. ARGV[pos]
  local id = ARGV[pos]
  pos = pos + 1
  redis.call('HSET', key, unpack(pairs_at()))
  redis.call('PEXPIRE', key, retention)
  redis.call('ZADD', KEYS[3], now, id)
end
if ARGV[pos] ~= '' then
  redis.call('XADD', KEYS[4], '*', 'jobs', ARGV[pos])
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(retention))
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - tonumber(retention))
-- count retention (RETENTION_COUNT): the event key minus its id is the event key prefix
trim_by_count(KEYS[2], KEYS[3], tonumber(ARGV[6]), ${TRIM_BATCH_MAX}, string.sub(KEYS[1], 1, #KEYS[1] - #eventId), prefix)
return false
`

export interface AcceptInput {
  event: EventRecord
  deliveries: readonly DeliveryRecord[]
  /** JSON of the jobs the inbox pump will queue ('' when there is nothing to deliver) */
  jobs: string
  /** the sender's delivery id to claim; null = no dedup (re-runs) */
  dedupKey: string | null
  dedupWindowMs: number
}

export interface EventWriter {
  /** null when stored; the original event's id when the sender delivery id was seen before */
  accept(input: AcceptInput): Promise<string | null>
}

/** RETENTION_COUNT's default: the most events kept (with their deliveries and attempts). */
export const DEFAULT_RETENTION_COUNT = 100_000

type AcceptCommand = (numKeys: number, ...keysAndArgs: (string | number | Buffer)[]) => Promise<string | null>

export function createEventWriter(redis: Redis, keys: Keys, retentionMs: number, retentionCount = DEFAULT_RETENTION_COUNT): EventWriter {
  const deliveryPrefix = keys.delivery('')
  // defineCommand sends EVALSHA (the script body only once per connection), not the whole script per event
  redis.defineCommand('hookyardAcceptEvent', { lua: ACCEPT })
  const acceptCommand = (redis as unknown as { hookyardAcceptEvent: AcceptCommand }).hookyardAcceptEvent.bind(redis)
  return {
    async accept({ event, deliveries, jobs, dedupKey, dedupWindowMs }) {
      const eventKeys = [keys.event(event.id), keys.events, keys.deliveries, keys.inbox]
      if (dedupKey !== null) {
        eventKeys.push(keys.dedup(event.source, dedupKey))
      }
      const args: (string | number | Buffer)[] = [event.id, dedupWindowMs, retentionMs, Date.parse(event.received_at), deliveryPrefix, retentionCount]
      // the raw body travels as bytes in a field of its own: no base64, no JSON escaping, no transcoding
      const { body_base64: bodyBase64, ...request } = event.request
      const fields: Record<string, string | Buffer> = serialize({ ...event, request })
      fields[RAW_BODY_FIELD] = Buffer.from(bodyBase64, 'base64')
      pushPairs(args, fields)
      args.push(deliveries.length)
      for (const d of deliveries) {
        args.push(d.id)
        pushPairs(args, serialize(d))
      }
      args.push(jobs)
      return acceptCommand(eventKeys.length, ...eventKeys, ...args)
    },
  }
}

function pushPairs(args: (string | number | Buffer)[], fields: Record<string, string | Buffer>): void {
  const entries = Object.entries(fields)
  args.push(entries.length)
  for (const [k, v] of entries) {
    args.push(k, v)
  }
}
