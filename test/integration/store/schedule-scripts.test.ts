import { afterAll, describe, expect, it } from 'vitest'
import { createScheduleState } from '../../../src/store/schedule-state.ts'
import { openStore } from './store-fixtures.ts'

describe('schedule record fire script (real Redis)', () => {
  const { redis, keys } = openStore()
  const state = createScheduleState(redis, keys)
  afterAll(() => redis.disconnect())

  it('moves last_fire forward only, with the event of that fire', async () => {
    await state.recordFire('nightly', new Date('2026-01-02T00:00:00Z'), 'ev2')
    expect(await redis.hgetall(keys.schedule('nightly'))).toEqual({ last_fire: '2026-01-02T00:00:00.000Z', last_event: 'ev2' })
    // a slow process recording an older tick changes nothing
    await state.recordFire('nightly', new Date('2026-01-01T00:00:00Z'), 'ev1')
    expect(await redis.hgetall(keys.schedule('nightly'))).toEqual({ last_fire: '2026-01-02T00:00:00.000Z', last_event: 'ev2' })
    await state.recordFire('nightly', new Date('2026-01-03T00:00:00Z'), 'ev3')
    await state.recordManualRun('nightly', 'manual')
    expect(await state.read(['nightly', 'never'])).toEqual(
      new Map([
        ['nightly', { last_fire: '2026-01-03T00:00:00.000Z', last_event: 'manual' }],
        ['never', { last_fire: null, last_event: null }],
      ])
    )
  })
})
