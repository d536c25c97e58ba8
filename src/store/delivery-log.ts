import type { Redis } from 'ioredis'
import type { Keys } from './keys.ts'
import { asPartitions, type Partitions } from './partitions.ts'
import { deserialize, fieldPairs, parseField } from './record-codec.ts'
import { takeBody } from './stored-body.ts'
import { registerScripts } from './scripts/register-scripts.ts'
import type { BuildReference } from '../targets/build-reference.ts'
import type { OutboundRequest } from '../targets/types.ts'
import type { AttemptRecord, DeliveryRecord, DeliveryStatus, EventRecord } from './records.ts'

export interface DeliveryLog {
  /** `build`: the build a delivered attempt's answer named, stored on the delivery as `build` */
  recordAttempt(deliveryId: string, attempt: AttemptRecord, status: DeliveryStatus, error: string | null, build?: BuildReference): Promise<void>
  /** Stores one more delivery of an existing event (a replay) and lists it under the event. */
  addDelivery(record: DeliveryRecord): Promise<void>
  /** 1, 2, ... for each replay of a delivery; null when the delivery is not (or no longer) stored. */
  nextReplayNumber(deliveryId: string): Promise<number | null>
  /** Records that a delivery was dropped unsent because `by` replaced it (a commit status overtaken by a later one). */
  markSuperseded(deliveryId: string, by: string): Promise<void>
  getEvent(id: string): Promise<EventRecord | null>
  getDelivery(id: string): Promise<DeliveryRecord | null>
  /** The request a delivery sends (null: no such delivery, or its mapping failed). */
  getRequest(deliveryId: string): Promise<OutboundRequest | null>
  listAttempts(deliveryId: string): Promise<AttemptRecord[]>
}

/**
 * Reads and updates the records of events, deliveries and attempts. Events are written by the
 * ingest script (accept-event.ts), which also applies retention by age and by count.
 */
export function createDeliveryLog(redis: Redis, keys: Keys | Partitions, retentionMs: number): DeliveryLog {
  // every record lives in its event's partition, which its id names
  const partitions = asPartitions(keys)
  const at = (id: string): Keys => partitions.forId(id)
  // one script (EVALSHA) per write: a MULTI would build an ioredis Pipeline per call, which
  // copies every script defined on the connection (BullMQ defines dozens)
  const scripts = registerScripts(redis)
  return {
    async addDelivery(record) {
      const k = at(record.event)
      await scripts.addDelivery(
        [k.delivery(record.id), k.deliveries, k.event(record.event)],
        record.id,
        Date.parse(record.created_at),
        retentionMs,
        ...fieldPairs(record)
      )
    },

    async nextReplayNumber(deliveryId) {
      const n = await scripts.nextReplay([at(deliveryId).delivery(deliveryId)])
      return n === null ? null : Number(n)
    },

    async markSuperseded(deliveryId, by) {
      const fields = fieldPairs({ status: 'superseded', superseded_by: by, updated_at: new Date().toISOString() })
      await scripts.markSuperseded([at(deliveryId).delivery(deliveryId)], ...fields)
    },

    async recordAttempt(deliveryId, attempt, status, error, build) {
      const fields = fieldPairs({ status, attempts_made: attempt.attempt, updated_at: attempt.at, error, build })
      await scripts.recordAttempt([at(deliveryId).attempts(deliveryId), at(deliveryId).delivery(deliveryId)], JSON.stringify(attempt), retentionMs, ...fields)
    },

    async getEvent(id) {
      const raw = await redis.hgetallBuffer(at(id).event(id))
      if (Object.keys(raw).length === 0) {
        return null
      }
      const body = takeBody(raw) // removes the body's field: the rest are the record's JSON fields
      const event = deserialize(Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.toString('utf8')]))) as unknown as EventRecord
      if (body) {
        event.request = { ...event.request, body_base64: body.toString('base64') }
      }
      return event
    },

    async getDelivery(id) {
      const raw = await redis.hgetall(at(id).delivery(id))
      return Object.keys(raw).length === 0 ? null : (deserialize(raw) as unknown as DeliveryRecord)
    },

    async getRequest(deliveryId) {
      const raw = await redis.hget(at(deliveryId).delivery(deliveryId), 'request')
      return (parseField(raw) as OutboundRequest | null | undefined) ?? null
    },

    async listAttempts(deliveryId) {
      const raw = await redis.lrange(at(deliveryId).attempts(deliveryId), 0, -1)
      return raw.map((line) => JSON.parse(line) as AttemptRecord)
    },
  }
}
