import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { createEventWriter, type AcceptInput } from '../../../src/store/accept-event.ts'
import { createDeliveryLog } from '../../../src/store/delivery-log.ts'
import { createInbox } from '../../../src/store/inbox.ts'
import { deliveryRecord, eventRecord, openStore } from './store-fixtures.ts'

const HOUR = 3600_000

describe('accept batch script (real Redis)', () => {
  const { redis, keys } = openStore()
  afterAll(() => redis.disconnect())

  const input = (id: string, receivedMs: number, dedupKey: string | null, jobs = ''): AcceptInput => ({
    event: eventRecord(id, receivedMs, [`${id}-d1`]),
    rawBody: Buffer.from(`{"id":"${id}"}`),
    deliveries: [deliveryRecord(`${id}-d1`, id, receivedMs)],
    jobs,
    dedupKey,
    dedupWindowMs: HOUR,
  })

  it('stores the event, its raw body, its deliveries, both indexes and one inbox entry per batch', async () => {
    const writer = createEventWriter(redis, keys, { retentionMs: HOUR, retentionCount: 100, dedupMax: 100 })
    const now = Date.now()
    const [a, b] = await Promise.all([writer.accept(input('e1', now, 'x1', '[{"job":1}]')), writer.accept(input('e2', now + 1, null, '[{"job":2}]'))])
    expect([a, b]).toEqual([null, null])

    const event = await redis.hgetall(keys.event('e1'))
    expect(event['raw_body']).toBe('{"id":"e1"}')
    expect(event['source']).toBe('"gh"')
    expect(event['deliveries']).toBe('["e1-d1"]')
    const ttl = await redis.pttl(keys.event('e1'))
    expect(ttl).toBeGreaterThan(HOUR - 5_000)
    expect(ttl).toBeLessThanOrEqual(HOUR)
    expect(await redis.hget(keys.delivery('e1-d1'), 'status')).toBe('"queued"')
    expect(await redis.pttl(keys.delivery('e1-d1'))).toBeGreaterThan(HOUR - 5_000)
    expect(await redis.zrange(keys.events, 0, -1, 'WITHSCORES')).toEqual(['e1', String(now), 'e2', String(now + 1)])
    expect(await redis.zrange(keys.deliveries, 0, -1)).toEqual(['e1-d1', 'e2-d1'])
    // the same event-loop turn: one script call, one inbox entry carrying both events' jobs
    const inbox = createInbox(redis, keys)
    await inbox.ensureGroup()
    const entries = await inbox.read('c1', 'new', 10, 100)
    expect(entries.map((e) => e.jobs)).toEqual([['[{"job":1}]', '[{"job":2}]']])
    await inbox.ack(entries.map((e) => e.id))
    expect(await redis.xlen(keys.inbox)).toBe(0)
    // the dedup claim and its entry on the claims list
    expect(await redis.get(keys.dedup('gh', 'x1'))).toBe('e1')
    expect(await redis.lrange(keys.dedupClaims, 0, -1)).toEqual([`e1 ${keys.dedup('gh', 'x1')}`])
  })

  it('answers a repeated sender delivery id with the original event and stores nothing', async () => {
    const writer = createEventWriter(redis, keys, { retentionMs: HOUR, retentionCount: 100, dedupMax: 100 })
    expect(await writer.accept(input('e3', Date.now(), 'x1'))).toBe('e1')
    expect(await redis.exists(keys.event('e3'), keys.delivery('e3-d1'))).toBe(0)
    expect(await redis.zscore(keys.events, 'e3')).toBeNull()
  })

  it('trims the oldest events beyond RETENTION_COUNT, with their deliveries, and caps dedup claims at DEDUP_MAX', async () => {
    const { redis: r, keys: k } = openStore()
    try {
      const writer = createEventWriter(r, k, { retentionMs: HOUR, retentionCount: 2, dedupMax: 1 })
      const now = Date.now()
      for (const [i, id] of ['t1', 't2', 't3'].entries()) {
        // delivered, so the trim may delete the delivery's hash too (a queued one keeps it)
        const one = input(id, now + i, `k${i}`)
        one.deliveries = [deliveryRecord(`${id}-d1`, id, now + i, 'delivered')]
        expect(await writer.accept(one)).toBeNull()
      }
      expect(await r.zrange(k.events, 0, -1)).toEqual(['t2', 't3'])
      expect(await r.zrange(k.deliveries, 0, -1)).toEqual(['t2-d1', 't3-d1'])
      expect(await r.exists(k.event('t1'), k.delivery('t1-d1'))).toBe(0)
      expect(await r.exists(k.event('t2'))).toBe(1)
      expect(await r.lrange(k.dedupClaims, 0, -1)).toEqual([`t3 ${k.dedup('gh', 'k2')}`])
      expect(await r.exists(k.dedup('gh', 'k0'), k.dedup('gh', 'k1'))).toBe(0)
      expect(await r.get(k.dedup('gh', 'k2'))).toBe('t3')
    } finally {
      r.disconnect()
    }
  })
})

describe('stored bodies (real Redis)', () => {
  const { redis, keys } = openStore()
  afterAll(() => redis.disconnect())

  const bodyInput = (id: string, receivedMs: number): AcceptInput => ({
    event: eventRecord(id, receivedMs, [`${id}-d1`]),
    rawBody: Buffer.alloc(0),
    deliveries: [deliveryRecord(`${id}-d1`, id, receivedMs)],
    jobs: '',
    dedupKey: null,
    dedupWindowMs: HOUR,
  })

  it('keeps a large JSON body compressed and a small or incompressible one as it came; both read back byte for byte', async () => {
    const writer = createEventWriter(redis, keys, { retentionMs: HOUR, retentionCount: 100, dedupMax: 100 })
    const log = createDeliveryLog(redis, keys, HOUR)
    const now = Date.now()
    const json = Buffer.from(JSON.stringify({ commits: Array.from({ length: 40 }, (_, i) => ({ id: i, message: `commit number ${i}` })) }))
    const noise = randomBytes(4096)
    await Promise.all([
      writer.accept({ ...bodyInput('big', now), rawBody: json }),
      writer.accept({ ...bodyInput('noise', now), rawBody: noise }),
    ])
    const big = await redis.hgetallBuffer(keys.event('big'))
    expect(big['raw_body']).toBeUndefined()
    expect(big['raw_body_deflate']!.length).toBeLessThan(json.length / 3)
    expect(Buffer.from((await log.getEvent('big'))!.request.body_base64, 'base64').equals(json)).toBe(true)
    const kept = await redis.hgetallBuffer(keys.event('noise'))
    expect(kept['raw_body_deflate']).toBeUndefined()
    expect(kept['raw_body']!.equals(noise)).toBe(true)
    expect(Buffer.from((await log.getEvent('noise'))!.request.body_base64, 'base64').equals(noise)).toBe(true)
  })
})
