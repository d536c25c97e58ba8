import { afterAll, describe, expect, it } from 'vitest'
import { registerScripts } from '../../../src/store/scripts/register-scripts.ts'
import { openStore } from './store-fixtures.ts'

describe('retention sweep step script (real Redis)', () => {
  const { redis, keys } = openStore()
  afterAll(() => redis.disconnect())

  it('drops events past RETENTION with their settled deliveries and attempts, keeps an unfinished delivery hash, forgets expired and excess dedup claims', async () => {
    const now = Date.now()
    const old = now - 10_000
    await redis.hset(keys.event('old'), 'deliveries', '["d-done","d-queued"]')
    await redis.hset(keys.delivery('d-done'), 'status', '"delivered"')
    await redis.rpush(keys.attempts('d-done'), '{}')
    await redis.hset(keys.delivery('d-queued'), 'status', '"queued"')
    await redis.zadd(keys.events, old, 'old', now, 'new')
    await redis.hset(keys.event('new'), 'deliveries', '[]')
    await redis.zadd(keys.deliveries, old, 'd-done', old, 'd-queued')
    // claims: the first expired already, then two live ones while DEDUP_MAX is 1
    await redis.set(keys.dedup('gh', 'live1'), 'e1', 'PX', 60_000)
    await redis.set(keys.dedup('gh', 'live2'), 'e2', 'PX', 60_000)
    await redis.rpush(keys.dedupClaims, `e0 ${keys.dedup('gh', 'expired')}`, `e1 ${keys.dedup('gh', 'live1')}`, `e2 ${keys.dedup('gh', 'live2')}`)

    const step = () => registerScripts(redis).sweepStep([keys.events, keys.deliveries, keys.dedupClaims], now - 5_000, 100, keys.event(''), keys.delivery(''), 1)
    // one event by age, two claims beyond DEDUP_MAX (the expired one and the older live one)
    expect(await step()).toBe(3)
    expect(await step()).toBe(0)
    expect(await redis.zrange(keys.events, 0, -1)).toEqual(['new'])
    expect(await redis.exists(keys.event('old'), keys.delivery('d-done'), keys.attempts('d-done'))).toBe(0)
    expect(await redis.hget(keys.delivery('d-queued'), 'status')).toBe('"queued"')
    expect(await redis.zcard(keys.deliveries)).toBe(0)
    expect(await redis.lrange(keys.dedupClaims, 0, -1)).toEqual([`e2 ${keys.dedup('gh', 'live2')}`])
    expect(await redis.exists(keys.dedup('gh', 'live1'))).toBe(0)
    expect(await redis.get(keys.dedup('gh', 'live2'))).toBe('e2')
  })
})
