import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { inject } from 'vitest'
import { createKeys, type Keys } from '../../../src/store/keys.ts'
import type { DeliveryRecord, NewEventRecord } from '../../../src/store/records.ts'

/** A connection to the test run's redis-server and keys under a prefix no other test uses. */
export function openStore(): { redis: Redis; keys: Keys } {
  return { redis: new Redis(inject('redisUrl')), keys: createKeys(`store-${randomUUID().slice(0, 8)}`) }
}

export function eventRecord(id: string, receivedMs: number, deliveries: string[]): NewEventRecord {
  return {
    id,
    source: 'gh',
    type: 'github',
    event: 'push',
    delivery: `d-${id}`,
    received_at: new Date(receivedMs).toISOString(),
    rules_version: 'v1',
    routes: [],
    deliveries,
    state: 'accepted',
    request: { method: 'POST', headers: { 'content-type': 'application/json' }, query: {} },
  }
}

export function deliveryRecord(id: string, event: string, createdMs: number, status: DeliveryRecord['status'] = 'queued'): DeliveryRecord {
  const at = new Date(createdMs).toISOString()
  return {
    id,
    event,
    route: 'r',
    target: 'ci',
    status,
    created_at: at,
    updated_at: at,
    rules_version: 'v1',
    attempts_made: 0,
    max_attempts: 3,
    request: null,
    error: null,
    cooldown_key: null,
  }
}
