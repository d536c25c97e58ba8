import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { createEventId } from '../../../src/ingest/event-id.ts'
import { createCooldownStore, type Fold } from '../../../src/store/cooldown-store.ts'
import { createPartitions } from '../../../src/store/partitions.ts'
import { registerScripts } from '../../../src/store/scripts/register-scripts.ts'

/**
 * Cooldown state in a target's partition folding delivery records of other partitions: the fold
 * is left pending in the target's partition, applied in the record's, then forgotten. Four
 * partitions on one server (they would be four slots of a cluster).
 */
describe('cooldown folds across partitions (real Redis)', () => {
  const redis = new Redis(inject('redisUrl'))
  const partitions = createPartitions(`store-${randomUUID().slice(0, 8)}`, 4)
  const home = partitions.all[0]!
  const coalesced: [string, Fold][] = []
  const superseded: [string, Fold][] = []
  const store = createCooldownStore(redis, home, { onCoalesced: (t, f) => coalesced.push([t, f]), onSuperseded: (t, f) => superseded.push([t, f]) }, partitions)
  afterAll(() => redis.disconnect())

  /** A delivery record of an event in `partition` (each newer than the one before), stored where its id says. */
  let tick = 0
  const delivery = async (partition: number, status = '"queued"'): Promise<string> => {
    const id = `${createEventId(new Date(Date.now() + ++tick), partition, 4)}-1`
    await redis.hset(partitions.forId(id).delivery(id), 'target', '"ci"', 'status', status)
    return id
  }
  const statusOf = (id: string) => redis.hmget(partitions.forId(id).delivery(id), 'status', 'coalesced_into', 'superseded_by')

  it('record: folds a record of another partition into the newer one, reports it once, and leaves nothing pending', async () => {
    const [a, b] = [await delivery(1), await delivery(2)]
    await store.record('h1', 'main', a)
    await store.record('h1', 'main', b)
    expect(await statusOf(a)).toEqual(['"coalesced"', `"${b}"`, null])
    expect(coalesced).toEqual([['ci', { deliveryId: a, into: b }]])
    expect(await redis.exists(home.cooldownFolds('h1'))).toBe(0)
    // the home partition never held the other partition's record
    expect(await redis.exists(home.delivery(a))).toBe(0)
  })

  it('a fold left pending by a crash is applied on the next look at the key, once', async () => {
    const { cooldownRecord } = registerScripts(redis)
    const [a, b] = [await delivery(3), await delivery(1)]
    const run = (id: string) => cooldownRecord([home.cooldownState('h2'), home.cooldownGate('h2'), home.cooldownFolds('h2')], id, home.delivery(''), 'k', 60_000, 'coalesced', 4, 0)
    await run(a)
    // the script ran, the caller died before applying the fold
    const [, , , , pending] = await run(b)
    expect(pending).toEqual([a, `coalesced ${b}`])
    expect(await statusOf(a)).toEqual(['"queued"', null, null])
    coalesced.length = 0
    // the inbox entry is pumped again: recording b again returns the pending fold
    await store.record('h2', 'k', b)
    expect(await statusOf(a)).toEqual(['"coalesced"', `"${b}"`, null])
    expect(coalesced).toEqual([['ci', { deliveryId: a, into: b }]])
    expect(await redis.exists(home.cooldownFolds('h2'))).toBe(0)
    // applied again (a crash after the fold, before it was forgotten): nothing changes, nothing is reported
    await redis.hset(home.cooldownFolds('h2'), a, `coalesced ${b}`)
    expect(await store.take('h2')).toEqual({ deliveryId: b, seq: 2 })
    expect(coalesced).toHaveLength(1)
    expect(await redis.exists(home.cooldownFolds('h2'))).toBe(0)
  })

  it('take: folds the delivery taken before, in its own partition, unless it settled', async () => {
    const [c, d, e] = [await delivery(2, '"retrying"'), await delivery(3), await delivery(1)]
    await store.record('h3', 'k', c, 'superseded')
    expect(await store.take('h3', 'superseded')).toEqual({ deliveryId: c, seq: 1 })
    await store.record('h3', 'k', d, 'superseded')
    expect(await statusOf(c)).toEqual(['"retrying"', null, null])
    expect(await store.take('h3', 'superseded')).toEqual({ deliveryId: d, seq: 2 })
    expect(await statusOf(c)).toEqual(['"superseded"', null, `"${d}"`])
    expect(superseded).toEqual([['ci', { deliveryId: c, into: d }]])

    await redis.hset(partitions.forId(d).delivery(d), 'status', '"delivered"')
    await store.record('h3', 'k', e, 'superseded')
    await store.take('h3', 'superseded')
    expect(await statusOf(d)).toEqual(['"delivered"', null, null])
    expect(superseded).toHaveLength(1)
  })

  it('a delivery of an older event recorded after a newer one (another inbox pumped later) is folded into it, so the newest fires', async () => {
    const older = `${createEventId(new Date(Date.now() - 1_000), 2, 4)}-1`
    await redis.hset(partitions.forId(older).delivery(older), 'target', '"ci"', 'status', '"queued"')
    const newer = await delivery(3)
    coalesced.length = 0
    await store.record('h5', 'k', newer)
    await store.record('h5', 'k', older)
    expect(await redis.hmget(home.cooldownState('h5'), 'latest', 'seq')).toEqual([newer, '1'])
    expect(await statusOf(older)).toEqual(['"coalesced"', `"${newer}"`, null])
    // recorded again (the older one's inbox entry retried): no second report
    await store.record('h5', 'k', older)
    expect(coalesced).toEqual([['ci', { deliveryId: older, into: newer }]])
    expect(await store.take('h5')).toEqual({ deliveryId: newer, seq: 1 })
  })

  it('a pending fold of a record that is gone (retention) recreates nothing', async () => {
    const gone = `${createEventId(new Date(), 2, 4)}-1`
    const [f, g] = [await delivery(0), await delivery(0)]
    await redis.hset(home.cooldownFolds('h4'), gone, `coalesced ${f}`)
    await store.record('h4', 'k', f)
    await store.record('h4', 'k', g)
    expect(await redis.exists(partitions.forId(gone).delivery(gone))).toBe(0)
    // f was in the home partition: folded at once, as with one partition
    expect(await statusOf(f)).toEqual(['"coalesced"', `"${g}"`, null])
    expect(await redis.exists(home.cooldownFolds('h4'))).toBe(0)
  })
})
