import { afterAll, describe, expect, it } from 'vitest'
import { createDeliveryLog } from '../../../src/store/delivery-log.ts'
import type { AttemptRecord } from '../../../src/store/records.ts'
import { deliveryRecord, openStore } from './store-fixtures.ts'

const HOUR = 3600_000

describe('delivery record scripts (real Redis)', () => {
  const { redis, keys } = openStore()
  const log = createDeliveryLog(redis, keys, HOUR)
  afterAll(() => redis.disconnect())

  it('record attempt: appends the attempt with a TTL and updates the status fields', async () => {
    await redis.hset(keys.delivery('d1'), 'status', '"queued"', 'target', '"ci"')
    const attempt: AttemptRecord = { attempt: 1, at: '2026-01-01T00:00:00.000Z', duration_ms: 12, status: 500, outcome: 'retry', reason: 'HTTP 500', response_headers: {}, response_excerpt: '' }
    await log.recordAttempt('d1', attempt, 'retrying', 'HTTP 500')
    expect(await redis.lrange(keys.attempts('d1'), 0, -1)).toEqual([JSON.stringify(attempt)])
    expect(await redis.pttl(keys.attempts('d1'))).toBeGreaterThan(HOUR - 5_000)
    expect(await redis.hgetall(keys.delivery('d1'))).toEqual({
      status: '"retrying"',
      target: '"ci"',
      attempts_made: '1',
      updated_at: '"2026-01-01T00:00:00.000Z"',
      error: '"HTTP 500"',
    })
  })

  it('add delivery: stores the delivery with a TTL, indexes it and lists it under its event', async () => {
    await redis.hset(keys.event('e1'), 'deliveries', '["d0"]')
    const record = deliveryRecord('d2', 'e1', Date.parse('2026-01-02T00:00:00.000Z'))
    await log.addDelivery(record)
    expect(await redis.hget(keys.event('e1'), 'deliveries')).toBe('["d0","d2"]')
    expect(await redis.zscore(keys.deliveries, 'd2')).toBe(String(Date.parse(record.created_at)))
    expect(await log.getDelivery('d2')).toEqual(record)
    expect(await redis.pttl(keys.delivery('d2'))).toBeGreaterThan(HOUR - 5_000)
  })

  it('add delivery: an event that is gone gains no list (the delivery is still stored)', async () => {
    await log.addDelivery(deliveryRecord('d3', 'gone', Date.now()))
    expect(await redis.exists(keys.event('gone'))).toBe(0)
    expect(await redis.hget(keys.delivery('d3'), 'event')).toBe('"gone"')
  })

  it('next replay number: counts up while the delivery is stored, null (nothing created) once it is gone', async () => {
    expect(await log.nextReplayNumber('d2')).toBe(1)
    expect(await log.nextReplayNumber('d2')).toBe(2)
    expect(await redis.hget(keys.delivery('d2'), 'replays')).toBe('2')
    expect(await log.nextReplayNumber('missing')).toBeNull()
    expect(await redis.exists(keys.delivery('missing'))).toBe(0)
  })

  it('mark superseded: sets status and superseded_by on a stored delivery, never recreates a gone one', async () => {
    await log.markSuperseded('d2', 'd9')
    const fields = await redis.hmget(keys.delivery('d2'), 'status', 'superseded_by')
    expect(fields).toEqual(['"superseded"', '"d9"'])
    await log.markSuperseded('missing', 'd9')
    expect(await redis.exists(keys.delivery('missing'))).toBe(0)
  })
})
