import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { createEventId } from '../../../src/ingest/event-id.ts'
import { createEventWriter, type AcceptInput } from '../../../src/store/accept-event.ts'
import { createDeliveryLog } from '../../../src/store/delivery-log.ts'
import { createLogReader } from '../../../src/store/log-reader.ts'
import { createPartitions } from '../../../src/store/partitions.ts'
import type { IndexPosition } from '../../../src/store/scan-index.ts'
import { startRetentionSweep } from '../../../src/store/sweep-retention.ts'
import { deliveryRecord, eventRecord } from './store-fixtures.ts'
import { createLogger } from '../../../src/logger.ts'

const HOUR = 3600_000

/** Events stored in 4 partitions of one server, read back as one log. */
describe('the delivery log over partitions (real Redis)', () => {
  const redis = new Redis(inject('redisUrl'))
  const partitions = createPartitions(`store-${randomUUID().slice(0, 8)}`, 4)
  const limits = { retentionMs: HOUR, retentionCount: 1000, dedupMax: 1000 }
  const writer = createEventWriter(redis, partitions, limits)
  const log = createDeliveryLog(redis, partitions, HOUR)
  const reader = createLogReader(redis, partitions)
  afterAll(() => redis.disconnect())

  const input = (id: string, receivedMs: number): AcceptInput => ({
    event: eventRecord(id, receivedMs, [`${id}-1`]),
    rawBody: Buffer.from('{}'),
    deliveries: [deliveryRecord(`${id}-1`, id, receivedMs)],
    jobs: '',
    dedupKey: null,
    dedupWindowMs: HOUR,
  })

  // 24 events over the 4 partitions, several sharing a millisecond across partitions
  const base = Date.now() - 60_000
  const ids = [...Array(24).keys()].map((i) => ({ id: createEventId(new Date(base), i % 4, 4), ms: base + Math.floor(i / 3) }))

  it('stores each event with its deliveries in the partition its id names, and finds it by id', async () => {
    await Promise.all(ids.map(({ id, ms }) => writer.accept(input(id, ms))))
    for (const { id } of ids) {
      const home = partitions.forId(id)
      expect(await redis.exists(home.event(id), home.delivery(`${id}-1`))).toBe(2)
      expect(await redis.zscore(home.events, id)).not.toBeNull()
      expect((await log.getEvent(id))?.id).toBe(id)
      expect((await log.getDelivery(`${id}-1`))?.event).toBe(id)
    }
    expect(new Set(ids.map(({ id }) => partitions.ofId(id))).size).toBe(4)
  })

  it('lists every partition as one index, newest first, page by page, with no event twice or left out', async () => {
    // newest first; within a millisecond in ZREVRANGE order (descending ids)
    const expected = [...ids].sort((a, b) => b.ms - a.ms || (a.id < b.id ? 1 : -1)).map(({ id }) => id)
    const listed: string[] = []
    let after: IndexPosition | null = null
    do {
      const page = await reader.listEvents({ fromMs: null, toMs: null, after, limit: 5 })
      listed.push(...page.items.map((e) => e.id))
      after = page.next
    } while (after)
    expect(listed).toEqual(expected)
    const deliveries = await reader.listDeliveries({ fromMs: null, toMs: null, after: null, limit: 100 })
    expect(deliveries.items.map((d) => d.event)).toEqual(expected)
    expect(await reader.countEventsSince(base)).toBe(24)
    const { counts } = await reader.countDeliveriesSince(base, 100)
    expect(counts.queued).toBe(24)
  })

  it('the retention sweep visits every partition, each keeping its share of RETENTION_COUNT', async () => {
    const sweep = startRetentionSweep({ redis, keys: partitions, limits: { ...limits, retentionCount: 8 }, logger: createLogger({ level: 'silent' }), intervalMs: HOUR })
    // the one at start may still run: a second sweep only finds less to do
    await sweep.sweep()
    sweep.stop()
    const left = await Promise.all(partitions.all.map((k) => redis.zcard(k.events)))
    expect(left).toEqual([2, 2, 2, 2])
    expect(await reader.countEventsSince(0)).toBe(8)
  })
})
