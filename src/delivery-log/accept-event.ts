import type { Redis } from 'ioredis'
import type { Keys } from './keys.ts'
import { TRIM_BATCH_MAX, TRIM_FUNCTION } from './log-scripts.ts'
import { RAW_BODY_FIELD, serialize } from './record-codec.ts'
import type { DeliveryRecord, NewEventRecord } from './records.ts'

/**
 * Stores a batch of accepted events in one atomic script. Per event: claim the sender's delivery id
 * (when given), store the event and its deliveries; then one inbox entry carries the jobs of every
 * event that was stored. An event is either wholly stored or not at all; a repeat yields the
 * original event id. Retention by age and by count runs once per batch.
 * KEYS: events index, deliveries index, inbox
 * ARGV: retention ms, retention count, event key prefix, delivery key prefix, N,
 *       N x (event id, dedup key ('' = none), dedup window ms, received ms,
 *            E, E field/value pairs, D, D x (id, F, F field/value pairs), jobs JSON ('' = none))
 * Returns one reply per event: '' when stored, else the original event's id.
 */
const ACCEPT_BATCH = `${TRIM_FUNCTION}
local retention, eventPrefix, deliveryPrefix = ARGV[1], ARGV[3], ARGV[4]
local pos = 6
local function pairs_at()
  local n = tonumber(ARGV[pos]) * 2
  local out = {}
  for j = 1, n do out[j] = ARGV[pos + j] end
  pos = pos + n + 1
  return out
end
local replies, inbox, newest = {}, {}, 0
for i = 1, tonumber(ARGV[5]) do
  local eventId, dedup, window, now = ARGV[pos], ARGV[pos + 1], ARGV[pos + 2], tonumber(ARGV[pos + 3])
  pos = pos + 4
  local original = false
  if dedup ~= '' and not redis.call('SET', dedup, eventId, 'NX', 'PX', window) then
    original = redis.call('GET', dedup) or eventId
  end
  local fields = pairs_at()
  local deliveries, count = {}, tonumber(ARGV[pos])
  pos = pos + 1
  for d = 1, count do
    local id = ARGV[pos]
    pos = pos + 1
    deliveries[d] = { id, pairs_at() }
  end
  local jobs = ARGV[pos]
  pos = pos + 1
  if original then
    replies[i] = original
  else
    replies[i] = ''
    local key = eventPrefix .. eventId
    redis.call('HSET', key, unpack(fields))
    redis.call('PEXPIRE', key, retention)
    redis.call('ZADD', KEYS[1], now, eventId)
    for _, d in ipairs(deliveries) do
      local dkey = deliveryPrefix .. d[1]
      redis.call('HSET', dkey, unpack(d[2]))
      redis.call('PEXPIRE', dkey, retention)
      redis.call('ZADD', KEYS[2], now, d[1])
    end
    if jobs ~= '' then
      inbox[#inbox + 1] = eventId
      inbox[#inbox + 1] = jobs
    end
    if now > newest then newest = now end
  end
end
if #inbox > 0 then
  redis.call('XADD', KEYS[3], '*', unpack(inbox))
end
if newest > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', newest - tonumber(retention))
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', newest - tonumber(retention))
  trim_by_count(KEYS[1], KEYS[2], tonumber(ARGV[2]), ${TRIM_BATCH_MAX}, eventPrefix, deliveryPrefix)
end
return replies
`

export interface AcceptInput {
  event: NewEventRecord
  /** the inbound body's exact bytes, kept once in a field of their own */
  rawBody: Buffer
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
/** Most events one script call stores: bounds how long Redis is busy with a single call. */
const MAX_BATCH = 64

type Arg = string | number | Buffer
type AcceptCommand = (numKeys: number, ...keysAndArgs: Arg[]) => Promise<string[]>

interface Waiting {
  args: Arg[]
  resolve: (original: string | null) => void
  reject: (err: unknown) => void
}

/**
 * Group commit: every event accepted while the event loop is busy with other requests goes to Redis
 * in the same script call, so a burst of concurrent webhooks costs one round trip (one socket write,
 * one reply) instead of one each. A request still resolves only after Redis stored its event.
 */
export function createEventWriter(redis: Redis, keys: Keys, retentionMs: number, retentionCount = DEFAULT_RETENTION_COUNT): EventWriter {
  // defineCommand sends EVALSHA (the script body only once per connection), not the whole script per call
  redis.defineCommand('hookyardAcceptEvents', { lua: ACCEPT_BATCH })
  const acceptCommand = (redis as unknown as { hookyardAcceptEvents: AcceptCommand }).hookyardAcceptEvents.bind(redis)
  const head: Arg[] = [keys.events, keys.deliveries, keys.inbox, retentionMs, retentionCount, keys.event(''), keys.delivery('')]
  let waiting: Waiting[] = []
  let scheduled = false

  const flush = (): void => {
    scheduled = false
    const batch = waiting.length > MAX_BATCH ? waiting.splice(0, MAX_BATCH) : waiting
    waiting = batch === waiting ? [] : waiting
    if (waiting.length > 0) schedule()
    const args: Arg[] = [...head, batch.length]
    for (const w of batch) {
      for (const a of w.args) args.push(a)
    }
    acceptCommand(3, ...args).then(
      (replies) => batch.forEach((w, i) => w.resolve(replies[i] ? (replies[i] as string) : null)),
      (err: unknown) => batch.forEach((w) => w.reject(err))
    )
  }
  const schedule = (): void => {
    if (!scheduled) {
      scheduled = true
      setImmediate(flush) // after the I/O callbacks of this turn: the requests read together commit together
    }
  }

  return {
    accept(input) {
      return new Promise((resolve, reject) => {
        waiting.push({ args: eventArgs(input, keys), resolve, reject })
        schedule()
      })
    },
  }
}

function eventArgs({ event, rawBody, deliveries, jobs, dedupKey, dedupWindowMs }: AcceptInput, keys: Keys): Arg[] {
  const dedup = dedupKey === null ? '' : keys.dedup(event.source, dedupKey)
  const args: Arg[] = [event.id, dedup, dedupWindowMs, Date.parse(event.received_at)]
  const fields: Record<string, string | Buffer> = serialize(event)
  // the raw body travels as bytes in a field of its own: no base64, no JSON escaping, no transcoding
  fields[RAW_BODY_FIELD] = rawBody
  pushPairs(args, fields)
  args.push(deliveries.length)
  for (const d of deliveries) {
    args.push(d.id)
    pushPairs(args, serialize(d))
  }
  args.push(jobs)
  return args
}

function pushPairs(args: Arg[], fields: Record<string, string | Buffer>): void {
  const entries = Object.entries(fields)
  args.push(entries.length)
  for (const [k, v] of entries) {
    args.push(k, v)
  }
}
