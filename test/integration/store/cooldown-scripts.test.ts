import { afterAll, describe, expect, it } from 'vitest'
import { createCooldownStore, type Fold } from '../../../src/store/cooldown-store.ts'
import { openStore } from './store-fixtures.ts'

describe('cooldown scripts (real Redis)', () => {
  const { redis, keys } = openStore()
  const coalesced: [string, Fold][] = []
  const superseded: [string, Fold][] = []
  const store = createCooldownStore(redis, keys, {
    onCoalesced: (target, fold) => coalesced.push([target, fold]),
    onSuperseded: (target, fold) => superseded.push([target, fold]),
  })
  afterAll(() => redis.disconnect())

  it('record: makes the delivery the latest, bumps seq once, folds the one it replaced, answers the gate TTL', async () => {
    await redis.hset(keys.delivery('a'), 'target', '"ci"', 'status', '"queued"')
    expect(await store.record('h1', 'main', 'a')).toBe(-2)
    expect(await redis.hgetall(keys.cooldownState('h1'))).toEqual({ seq: '1', latest: 'a', key: 'main' })
    expect(await redis.pttl(keys.cooldownState('h1'))).toBeGreaterThan(29 * 24 * 3600_000)
    // recorded again (an inbox batch retried): nothing changes
    expect(await store.record('h1', 'main', 'a')).toBe(-2)
    expect(await redis.hget(keys.cooldownState('h1'), 'seq')).toBe('1')

    expect(await store.claimGate('h1', 'w1', 60_000)).toBe(true)
    const ttl = await store.record('h1', 'main', 'b')
    expect(ttl).toBeGreaterThan(55_000)
    expect(await redis.hmget(keys.cooldownState('h1'), 'seq', 'latest')).toEqual(['2', 'b'])
    expect(await redis.hmget(keys.delivery('a'), 'status', 'coalesced_into')).toEqual(['"coalesced"', '"b"'])
    expect(coalesced).toEqual([['ci', { deliveryId: 'a', into: 'b' }]])
  })

  it('take: the latest unsent delivery once, then nothing until something newer is recorded; mark sent only moves forward', async () => {
    expect(await store.take('h1')).toEqual({ deliveryId: 'b', seq: 2 })
    expect(await redis.hget(keys.cooldownState('h1'), 'taken')).toBe('b')
    await store.markSent('h1', 2)
    await store.markSent('h1', 1)
    expect(await redis.hget(keys.cooldownState('h1'), 'sent')).toBe('2')
    expect(await store.take('h1')).toBeNull()
  })

  it('take: folds the delivery taken before (superseded mode) unless it already settled', async () => {
    await redis.hset(keys.delivery('c'), 'target', '"ci"', 'status', '"retrying"')
    await store.record('h2', 'k', 'c', 'superseded')
    expect(await store.take('h2', 'superseded')).toEqual({ deliveryId: 'c', seq: 1 })
    await store.record('h2', 'k', 'd', 'superseded')
    // c was taken (in flight), so recording d does not fold it; taking d does
    expect(await redis.hget(keys.delivery('c'), 'status')).toBe('"retrying"')
    expect(await store.take('h2', 'superseded')).toEqual({ deliveryId: 'd', seq: 2 })
    expect(await redis.hmget(keys.delivery('c'), 'status', 'superseded_by')).toEqual(['"superseded"', '"d"'])
    expect(superseded).toEqual([['ci', { deliveryId: 'c', into: 'd' }]])

    await redis.hset(keys.delivery('d'), 'status', '"delivered"')
    await store.record('h2', 'k', 'e', 'superseded')
    await store.take('h2', 'superseded')
    expect(await redis.hget(keys.delivery('d'), 'status')).toBe('"delivered"')
  })

  it('release and settle: act only for the owner that holds the gate', async () => {
    expect(await store.claimGate('h3', 'w1', 60_000)).toBe(true)
    await store.releaseGate('h3', 'w2')
    expect(await redis.get(keys.cooldownGate('h3'))).toBe('w1')
    await store.settleGate('h3', 'w2', 5_000)
    expect(await store.gateTtl('h3')).toBeGreaterThan(55_000)
    await store.settleGate('h3', 'w1', 5_000)
    const ttl = await store.gateTtl('h3')
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(5_000)
    await store.settleGate('h3', 'w1', 0)
    expect(await redis.exists(keys.cooldownGate('h3'))).toBe(0)
    expect(await store.claimGate('h3', 'w1', 60_000)).toBe(true)
    await store.releaseGate('h3', 'w1')
    expect(await redis.exists(keys.cooldownGate('h3'))).toBe(0)
  })
})
