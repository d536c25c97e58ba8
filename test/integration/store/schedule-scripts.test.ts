import { afterAll, describe, expect, it } from 'vitest'
import { createEventWriter, type AcceptInput } from '../../../src/store/accept-event.ts'
import { createScheduleState } from '../../../src/store/schedule-state.ts'
import { deliveryRecord, eventRecord, openStore } from './store-fixtures.ts'

const HOUR = 3600_000

describe("a schedule's fire, recorded by the accept script with its event (real Redis)", () => {
  const { redis, keys } = openStore()
  const state = createScheduleState(redis, keys)
  const writer = createEventWriter(redis, keys, { retentionMs: HOUR, retentionCount: 100, dedupMax: 100 })
  afterAll(() => redis.disconnect())

  const fire = (id: string, fireTime: Date | null, dedupKey: string | null = null): Promise<string | null> => {
    const input: AcceptInput = {
      event: eventRecord(id, Date.now(), [`${id}-d1`]),
      rawBody: Buffer.from('{}'),
      deliveries: [deliveryRecord(`${id}-d1`, id, Date.now())],
      jobs: '',
      dedupKey,
      dedupWindowMs: HOUR,
      scheduleFire: { name: 'nightly', fireTime },
    }
    return writer.accept(input)
  }

  it('moves last_fire forward only, with the event of that fire; a manual run sets last_event alone', async () => {
    await fire('ev2', new Date('2026-01-02T00:00:00Z'))
    expect(await redis.hgetall(keys.schedule('nightly'))).toEqual({ last_fire: '2026-01-02T00:00:00.000Z', last_event: 'ev2' })
    // a slow process recording an older tick changes nothing
    await fire('ev1', new Date('2026-01-01T00:00:00Z'))
    expect(await redis.hgetall(keys.schedule('nightly'))).toEqual({ last_fire: '2026-01-02T00:00:00.000Z', last_event: 'ev2' })
    await fire('ev3', new Date('2026-01-03T00:00:00Z'))
    await fire('manual', null)
    expect(await state.read(['nightly', 'never'])).toEqual(
      new Map([
        ['nightly', { last_fire: '2026-01-03T00:00:00.000Z', last_event: 'manual' }],
        ['never', { last_fire: null, last_event: null }],
      ])
    )
  })

  it('a tick another process already stored (a duplicate) records nothing', async () => {
    expect(await fire('ev4', new Date('2026-01-04T00:00:00Z'), 'nightly@2026-01-04')).toBeNull()
    expect(await fire('ev4b', new Date('2026-01-05T00:00:00Z'), 'nightly@2026-01-04')).toBe('ev4')
    expect(await redis.hgetall(keys.schedule('nightly'))).toEqual({ last_fire: '2026-01-04T00:00:00.000Z', last_event: 'ev4' })
    expect(await redis.exists(keys.event('ev4b'))).toBe(0)
  })
})
