import type { Redis } from 'ioredis'
import type { Keys } from './keys.ts'
import { APPEND_DELIVERY, NEXT_REPLAY, TRIM_BATCH_MAX, TRIM_BY_COUNT } from './log-scripts.ts'
import { RAW_BODY_FIELD, deserialize, serialize } from './record-codec.ts'
import type { AttemptRecord, DeliveryRecord, DeliveryStatus, EventRecord } from './records.ts'

/** RETENTION_COUNT's default: the most events kept (with their deliveries and attempts). */
export const DEFAULT_RETENTION_COUNT = 100_000

export interface ClaimResult {
  /** the id the event is stored under: a new one, or the original on a repeat */
  eventId: string
  state: 'new' | 'pending' | 'accepted'
}

export interface DeliveryLog {
  /** Atomically claims a sender delivery id for the dedup window; a repeat returns the original event. */
  claimEvent(source: string, deliveryKey: string, eventId: string, windowMs: number): Promise<ClaimResult>
  /** Stores the event and its deliveries in one transaction. */
  writeEvent(event: EventRecord, deliveries: DeliveryRecord[]): Promise<void>
  markAccepted(eventId: string): Promise<void>
  recordAttempt(deliveryId: string, attempt: AttemptRecord, status: DeliveryStatus, error: string | null): Promise<void>
  /** Stores one more delivery of an existing event (a replay) and lists it under the event. */
  addDelivery(record: DeliveryRecord): Promise<void>
  /** 1, 2, ... for each replay of a delivery; null when the delivery is not (or no longer) stored. */
  nextReplayNumber(deliveryId: string): Promise<number | null>
  getEvent(id: string): Promise<EventRecord | null>
  getDelivery(id: string): Promise<DeliveryRecord | null>
  listAttempts(deliveryId: string): Promise<AttemptRecord[]>
}

/**
 * SET NX claims the id; when it already exists, return the original event id and whether
 * that event was fully accepted (a half-stored event from a failed earlier try is resumed).
 */
const CLAIM_SCRIPT = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {ARGV[1], '"new"'}
end
local original = redis.call('GET', KEYS[1])
local state = redis.call('HGET', ARGV[3] .. original, 'state')
return {original, state or '"pending"'}
`

/**
 * Retention is bounded two ways: by age (every hash gets a TTL, the indexes are trimmed by score)
 * and by count (`retentionCount` events at most, trimmed in the same transaction that adds one).
 */
export function createDeliveryLog(redis: Redis, keys: Keys, retentionMs: number, retentionCount = DEFAULT_RETENTION_COUNT): DeliveryLog {
  const eventKeyPrefix = keys.event('')
  return {
    async claimEvent(source, deliveryKey, eventId, windowMs) {
      const [id, state] = (await redis.eval(
        CLAIM_SCRIPT,
        1,
        keys.dedup(source, deliveryKey),
        eventId,
        String(windowMs),
        eventKeyPrefix
      )) as [string, string]
      return { eventId: id, state: JSON.parse(state) as ClaimResult['state'] }
    },

    async writeEvent(event, deliveries) {
      const now = Date.parse(event.received_at)
      const tx = redis.multi()
      tx.hset(keys.event(event.id), serialize(event))
      tx.pexpire(keys.event(event.id), retentionMs)
      tx.zadd(keys.events, now, event.id)
      for (const d of deliveries) {
        tx.hset(keys.delivery(d.id), serialize(d))
        tx.pexpire(keys.delivery(d.id), retentionMs)
        tx.zadd(keys.deliveries, now, d.id)
      }
      tx.zremrangebyscore(keys.events, '-inf', now - retentionMs)
      tx.zremrangebyscore(keys.deliveries, '-inf', now - retentionMs)
      tx.eval(TRIM_BY_COUNT, 2, keys.events, keys.deliveries, retentionCount, TRIM_BATCH_MAX, eventKeyPrefix, keys.delivery(''))
      await tx.exec()
    },

    async addDelivery(record) {
      await redis
        .multi()
        .hset(keys.delivery(record.id), serialize(record))
        .pexpire(keys.delivery(record.id), retentionMs)
        .zadd(keys.deliveries, Date.parse(record.created_at), record.id)
        .eval(APPEND_DELIVERY, 1, keys.event(record.event), record.id)
        .exec()
    },

    async nextReplayNumber(deliveryId) {
      const n = (await redis.eval(NEXT_REPLAY, 1, keys.delivery(deliveryId))) as number | null
      return n === null ? null : Number(n)
    },

    async markAccepted(eventId) {
      await redis.hset(keys.event(eventId), 'state', JSON.stringify('accepted'))
    },

    async recordAttempt(deliveryId, attempt, status, error) {
      await redis
        .multi()
        .rpush(keys.attempts(deliveryId), JSON.stringify(attempt))
        .pexpire(keys.attempts(deliveryId), retentionMs)
        .hset(keys.delivery(deliveryId), serialize({ status, attempts_made: attempt.attempt, updated_at: attempt.at, error }))
        .exec()
    },

    async getEvent(id) {
      const raw = await redis.hgetallBuffer(keys.event(id))
      if (Object.keys(raw).length === 0) {
        return null
      }
      const { [RAW_BODY_FIELD]: body, ...fields } = raw
      const event = deserialize(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.toString('utf8')]))) as unknown as EventRecord
      if (body) {
        event.request = { ...event.request, body_base64: body.toString('base64') }
      }
      return event
    },

    async getDelivery(id) {
      const raw = await redis.hgetall(keys.delivery(id))
      return Object.keys(raw).length === 0 ? null : (deserialize(raw) as unknown as DeliveryRecord)
    },

    async listAttempts(deliveryId) {
      const raw = await redis.lrange(keys.attempts(deliveryId), 0, -1)
      return raw.map((line) => JSON.parse(line) as AttemptRecord)
    },
  }
}
