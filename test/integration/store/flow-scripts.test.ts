import { afterAll, describe, expect, it } from 'vitest'
import { createFlowStore } from '../../../src/store/flow-store.ts'
import { openStore } from './store-fixtures.ts'

describe('flow scripts: what admit, release and finish store (real Redis)', () => {
  const { redis, keys } = openStore()
  const flow = createFlowStore(redis, keys)
  afterAll(() => redis.disconnect())

  it('admit leases a slot until now + lease; a refused member waits in arrival order; release frees the slot and names who fits', async () => {
    const before = Date.now()
    expect(await flow.admit('t', 'a', 1, 10_000)).toEqual({ go: true, probe: false })
    const [member, score] = await redis.zrange(keys.flowSlots('t'), 0, -1, 'WITHSCORES')
    expect(member).toBe('a')
    expect(Number(score)).toBeGreaterThanOrEqual(before + 10_000)
    expect(Number(score)).toBeLessThanOrEqual(Date.now() + 10_000)
    expect(await flow.admit('t', 'b', 1, 10_000)).toEqual({ go: false, waitMs: 10_000, reason: 'concurrency' })
    expect(await redis.zrange(keys.flowWaiters('t'), 0, -1)).toEqual(['b'])
    expect(await redis.zrange(keys.flowWaitersSeen('t'), 0, -1)).toEqual(['b'])
    expect(await flow.release('t', 'a', 1)).toEqual(['b'])
    expect(await redis.zcard(keys.flowSlots('t'))).toBe(0)
    // admitted: b leaves the waiters for a slot
    expect(await flow.admit('t', 'b', 1, 10_000)).toMatchObject({ go: true })
    expect(await redis.zcard(keys.flowWaiters('t'))).toBe(0)
    expect(await redis.zrange(keys.flowSlots('t'), 0, -1)).toEqual(['b'])
  })

  it('finish counts failures in the circuit hash and opens it at the threshold with a pause', async () => {
    const circuit = { failures: 2, pauseMs: 1_000 }
    expect(await flow.finish('u', 'a', 0, circuit, { ok: false, retryAfterMs: 0 })).toEqual({ wake: [], transition: null, pauseMs: 0 })
    expect(await redis.hgetall(keys.circuit('u'))).toEqual({ failures: '1' })
    const before = Date.now()
    expect(await flow.finish('u', 'b', 0, circuit, { ok: false, retryAfterMs: 3_000 })).toEqual({ wake: [], transition: 'paused', pauseMs: 3_000 })
    const stored = await redis.hgetall(keys.circuit('u'))
    expect(stored).toMatchObject({ failures: '2', state: 'open', pause: '3000' })
    expect(Number(stored['until'])).toBeGreaterThanOrEqual(before + 3_000)
    expect(await redis.pttl(keys.circuit('u'))).toBeGreaterThan(6 * 24 * 3600_000)
    expect(await flow.pause('u')).toBe(true)
    expect(await redis.hgetall(keys.circuit('u'))).toEqual({ failures: '2', state: 'open', pause: '3000', manual: '1' })
    expect(await redis.pttl(keys.circuit('u'))).toBe(-1)
    expect(await flow.resume('u')).toBe(true)
    expect(await redis.exists(keys.circuit('u'))).toBe(0)
  })
})
