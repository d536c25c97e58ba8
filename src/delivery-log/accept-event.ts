import type { Redis } from 'ioredis'
import { Packr } from 'msgpackr'
import { INBOX_APPEND_FUNCTION } from '../queue/queue-keys.ts'
import type { Keys } from './keys.ts'
import { DEDUP_CAP_FUNCTIONS, TRIM_BATCH_MAX, TRIM_FUNCTION } from './log-scripts.ts'
import { RAW_BODY_FIELD, fieldPairs } from './record-codec.ts'
import type { DeliveryRecord, NewEventRecord } from './records.ts'

/**
 * Stores a batch of accepted events in one atomic script. Per event: claim the sender's delivery id
 * (when given), store the event and its deliveries; then one inbox entry carries the jobs of every
 * event that was stored. An event is either wholly stored or not at all; a repeat yields the
 * original event id. Retention by age and by count, and the count bound on dedup claims, run once
 * per batch, each removing at most TRIM_BATCH_MAX entries (the retention sweep clears a backlog).
 * KEYS: events index, deliveries index, inbox, dedup claims list
 * ARGV: retention ms, retention count, event key prefix, delivery key prefix, most dedup claims,
 *       then per event two arguments: its record, packed (see eventArgs), and its raw body bytes.
 * Returns one reply per event: '' when stored, else the original event's id.
 */
const ACCEPT_BATCH = `${TRIM_FUNCTION}${DEDUP_CAP_FUNCTIONS}${INBOX_APPEND_FUNCTION}
local retention, eventPrefix, deliveryPrefix = ARGV[1], ARGV[3], ARGV[4]
local replies, inbox, newest = {}, {}, 0
local eventScores, deliveryScores, claims = {}, {}, {}
for i = 6, #ARGV, 2 do
  -- { event id, dedup key ('' = none), dedup window ms, received ms, event fields, deliveries, jobs JSON }
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
    fields[#fields + 1] = '${RAW_BODY_FIELD}'
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

/** What the delivery log keeps: RETENTION, RETENTION_COUNT and DEDUP_MAX. */
export interface StorageLimits {
  retentionMs: number
  retentionCount: number
  /** the most sender delivery ids remembered; past it the oldest are forgotten before DEDUP_WINDOW ends */
  dedupMax: number
}
/**
 * Most events one script call stores. Measured with `npm run bench`: batches of 4 to 8 keep Redis
 * storing one batch while Node verifies and routes the next; one batch per event-loop turn (all
 * 32 connections at once) left each side waiting for the other, and ingest was a quarter slower.
 */
const MAX_BATCH = 8

type Arg = string | number | Buffer
type AcceptCommand = (numKeys: number, ...keysAndArgs: Arg[]) => Promise<string[]>

interface Waiting {
  args: Arg[]
  resolve: (original: string | null) => void
  reject: (err: unknown) => void
}

/**
 * Group commit: the events accepted in the same event-loop turn go to Redis in one script call (a
 * new call every MAX_BATCH events), so a burst of concurrent webhooks costs one round trip (one
 * socket write, one reply) per batch instead of one per event. A request still resolves only after
 * Redis stored its event; if the call fails, every request of the batch gets the error (a 503).
 */
export function createEventWriter(redis: Redis, keys: Keys, inboxKey: string, limits: StorageLimits): EventWriter {
  // defineCommand sends EVALSHA (the script body only once per connection), not the whole script per call
  redis.defineCommand('hookyardAcceptEvents', { lua: ACCEPT_BATCH })
  const acceptCommand = (redis as unknown as { hookyardAcceptEvents: AcceptCommand }).hookyardAcceptEvents.bind(redis)
  const head: Arg[] = [
    // KEYS
    keys.events,
    keys.deliveries,
    inboxKey,
    keys.dedupClaims,
    // ARGV before the events
    limits.retentionMs,
    limits.retentionCount,
    keys.event(''),
    keys.delivery(''),
    limits.dedupMax,
  ]
  let waiting: Waiting[] = []
  let scheduled = false

  const flush = (): void => {
    const batch = waiting
    waiting = []
    if (batch.length === 0) return
    const args: Arg[] = [...head]
    for (const w of batch) {
      for (const a of w.args) args.push(a)
    }
    acceptCommand(4, ...args).then(
      (replies) => batch.forEach((w, i) => w.resolve(replies[i] || null)),
      (err: unknown) => batch.forEach((w) => w.reject(err))
    )
  }
  const schedule = (): void => {
    if (!scheduled) {
      scheduled = true
      // after the I/O callbacks of this turn: the requests read together commit together
      setImmediate(() => {
        scheduled = false
        flush()
      })
    }
  }

  return {
    accept(input) {
      return new Promise((resolve, reject) => {
        waiting.push({ args: eventArgs(input, keys), resolve, reject })
        if (waiting.length >= MAX_BATCH) flush()
        else schedule()
      })
    },
  }
}

/**
 * One event as two script arguments: a MessagePack array of its strings (one argument instead of
 * dozens, which costs ioredis and Redis less per event) and the raw body as bytes.
 */
function eventArgs({ event, rawBody, deliveries, jobs, dedupKey, dedupWindowMs }: AcceptInput, keys: Keys): Arg[] {
  const dedup = dedupKey === null ? '' : keys.dedup(event.source, dedupKey)
  const packed = packr.pack([
    event.id,
    dedup,
    String(dedupWindowMs),
    String(Date.parse(event.received_at)),
    fieldPairs(event),
    deliveries.map((d) => [d.id, fieldPairs(d)]),
    jobs,
  ])
  return [packed, rawBody]
}

/** Plain MessagePack (no msgpackr records): Redis's Lua cmsgpack reads it. */
const packr = new Packr({ useRecords: false })
