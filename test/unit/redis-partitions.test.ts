import { describe, expect, it } from 'vitest'
import { CLUSTER_PARTITIONS, loadConfig } from '../../src/config.ts'
import { ConfigError } from '../../src/errors.ts'
import { createEventId } from '../../src/ingest/event-id.ts'
import { clusterSlot, CLUSTER_SLOTS } from '../../src/store/cluster-slot.ts'
import { byteForPartition, createPartitions, partitionOfId, partitionShare, partitionTags } from '../../src/store/partitions.ts'

describe('REDIS_PARTITIONS', () => {
  it('defaults to 1 on one server or Sentinel, to 16 on a cluster, and takes 1 to 256', () => {
    expect(loadConfig({}).redisPartitions).toBe(1)
    expect(loadConfig({ REDIS_URL: 'redis://r:6379' }).redisPartitions).toBe(1)
    expect(loadConfig({ REDIS_SENTINELS: 's:26379', REDIS_SENTINEL_NAME: 'm' }).redisPartitions).toBe(1)
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'a:6379,b:6379' }).redisPartitions).toBe(CLUSTER_PARTITIONS)
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'a:6379', REDIS_PARTITIONS: '1' }).redisPartitions).toBe(1)
    expect(loadConfig({ REDIS_URL: 'redis://r:6379', REDIS_PARTITIONS: '256' }).redisPartitions).toBe(256)
  })

  it.each(['0', '257', '4.5', 'many', '-2'])('%s is refused (exit 78), naming the variable', (value) => {
    let issues: string[] = []
    try {
      loadConfig({ REDIS_PARTITIONS: value })
    } catch (err) {
      if (err instanceof ConfigError) issues = err.issues
    }
    expect(issues).toEqual([expect.stringMatching(/^REDIS_PARTITIONS: /)])
  })
})

describe('partition tags', () => {
  it('one partition is exactly {prefix}', () => {
    expect(partitionTags('hookyard', 1)).toEqual(['hookyard'])
    expect(createPartitions('hookyard', 1).all[0]!.inbox).toBe('{hookyard}:inbox')
  })

  it.each([2, 3, 16, 100, 256])('%i partitions take distinct slots, one in each of as many equal slices, the same in every process', (n) => {
    const tags = partitionTags('hookyard', n)
    expect(tags).toEqual(partitionTags('hookyard', n))
    const slices = tags.map((tag) => Math.floor((clusterSlot(`{${tag}}`) * n) / CLUSTER_SLOTS))
    expect(slices).toEqual([...Array(n).keys()])
    expect(new Set(tags.map((tag) => clusterSlot(`{${tag}}:events`))).size).toBe(n)
    expect(tags.every((tag) => tag.startsWith('hookyard:'))).toBe(true)
  })

  it('a key hashes its tag only (CRC16-XMODEM of the text inside the first {...}, modulo 16384)', () => {
    // the values Redis documents: CRC16("123456789") = 0x31C3
    expect(clusterSlot('123456789')).toBe(0x31c3)
    expect(clusterSlot('{user1000}.following')).toBe(clusterSlot('user1000'))
    expect(clusterSlot('a{}b')).not.toBe(clusterSlot(''))
  })
})

describe('ids name their partition', () => {
  it('an event id made for partition p, and every delivery id derived from it, lead back to p', () => {
    for (const n of [1, 3, 16, 256]) {
      for (let p = 0; p < n; p += Math.max(1, Math.floor(n / 7))) {
        const id = createEventId(new Date(), p, n)
        expect(id).toMatch(/^ev_[0-9a-z]+[0-9a-f]{16}$/)
        expect(partitionOfId(id, n)).toBe(p)
        for (const derived of [`${id}-1`, `${id}-1-r2`, `${id}-3-status-gh-pending`]) expect(partitionOfId(derived, n)).toBe(p)
      }
    }
  })

  it('ids written with one partition, and ids without a hex byte, belong to partition 0 when there is one', () => {
    expect(partitionOfId('ev_m0abc1234567890abcdef', 1)).toBe(0)
    expect(partitionOfId('q', 16)).toBe(0)
    expect(partitionOfId('ev_xyz-1', 16)).toBe(0)
  })

  it('the partition byte stays a byte and keeps the rest random', () => {
    for (let r = 0; r < 256; r++) {
      for (const n of [1, 3, 16, 100, 256]) {
        const byte = byteForPartition(r, n - 1, n)
        expect(byte).toBeGreaterThanOrEqual(0)
        expect(byte).toBeLessThan(256)
        expect(byte % n).toBe(n - 1)
      }
    }
    expect(byteForPartition(0x7b, 0, 1)).toBe(0x7b)
  })

  it('names (targets, schedules, dedup claims) map to a partition, the same every time', () => {
    const partitions = createPartitions('hookyard', 16)
    const seen = new Set(['ci', 'deploy', 'docs', 'nightly', 't1', 't2', 't3', 't4'].map((name) => partitions.ofName(name)))
    expect(seen.size).toBeGreaterThan(3)
    expect(partitions.forName('ci')).toBe(partitions.all[partitions.ofName('ci')])
  })

  it('each partition keeps an equal share of RETENTION_COUNT and DEDUP_MAX', () => {
    expect(partitionShare({ retentionCount: 100_000, dedupMax: 1_000_000 }, 1)).toEqual({ retentionCount: 100_000, dedupMax: 1_000_000 })
    expect(partitionShare({ retentionCount: 100, dedupMax: 10 }, 16)).toEqual({ retentionCount: 7, dedupMax: 1 })
  })
})
