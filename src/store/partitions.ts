import { clusterSlot, CLUSTER_SLOTS } from './cluster-slot.ts'
import { createKeys, type Keys } from './keys.ts'

/**
 * hookyard's keys spread over N hash-tag partitions (REDIS_PARTITIONS), so a Redis Cluster
 * shares them among its primaries. An event, its deliveries and attempts, the listing indexes,
 * the inbox and the dedup claims live in the event's partition; per-target state (cooldown,
 * concurrency slots, circuit) and the target's BullMQ queue in the target's partition. One
 * script only ever touches keys of one partition. With N = 1 there is one partition, `{prefix}`:
 * exactly the layout of a single-partition store.
 */
export interface Partitions {
  readonly count: number
  /** each partition's keys, by partition number */
  readonly all: readonly Keys[]
  /** the partition of an event or delivery id (a delivery id starts with its event's id) */
  ofId(id: string): number
  /** the partition of a target's state and queue, or of anything named (a schedule, a dedup claim) */
  ofName(name: string): number
  forId(id: string): Keys
  forName(name: string): Keys
}

/**
 * Partition tags: with N > 1, partition i is `{prefix:i.k}` with the smallest k whose Cluster
 * slot lies in the i-th of N equal slices of the 16384 slots. `redis-cli --cluster create` gives
 * each primary one contiguous range of equal size, so every primary holds about N / primaries
 * partitions. The tags depend only on the prefix and N: every process computes the same ones.
 */
export function partitionTags(name: string, count: number): string[] {
  if (count === 1) return [name]
  const tags: string[] = []
  for (let i = 0; i < count; i++) {
    const low = Math.ceil((i * CLUSTER_SLOTS) / count)
    const high = Math.ceil(((i + 1) * CLUSTER_SLOTS) / count)
    for (let k = 0; ; k++) {
      const tag = `${name}:${i}.${k}`
      const slot = clusterSlot(`{${tag}}`)
      if (slot >= low && slot < high) {
        tags.push(tag)
        break
      }
    }
  }
  return tags
}

export function createPartitions(name: string, count: number): Partitions {
  const all = partitionTags(name, count).map(createKeys)
  const byName = new Map<string, number>()
  const ofId = (id: string): number => partitionOfId(id, count)
  const ofName = (text: string): number => {
    if (count === 1) return 0
    let p = byName.get(text)
    if (p === undefined) {
      p = clusterSlot(text) % count
      if (byName.size < NAME_CACHE) byName.set(text, p)
    }
    return p
  }
  return { count, all, ofId, ofName, forId: (id) => all[ofId(id)]!, forName: (text) => all[ofName(text)]! }
}

/** Target names are few; dedup claims are many and need no cache. */
const NAME_CACHE = 10_000

/** A single set of keys as one partition: how the store modules take a plain `Keys` too. */
export function asPartitions(keys: Keys | Partitions): Partitions {
  if ('count' in keys) return keys
  return { count: 1, all: [keys], ofId: () => 0, ofName: () => 0, forId: () => keys, forName: () => keys }
}

/**
 * The partition an id was made for: the last byte (two hex digits) of its event id, the part
 * before the first `-` (ingest/event-id.ts). Ids that carry no such byte belong to partition 0.
 * The cooldown scripts compute the same in Lua (scripts/includes.ts PARTITION_FUNCTION).
 */
export function partitionOfId(id: string, count: number): number {
  if (count === 1) return 0
  const dash = id.indexOf('-')
  const eventId = dash < 0 ? id : id.slice(0, dash)
  const last = eventId.slice(-2)
  return /^[0-9a-fA-F]{2}$/.test(last) ? Number.parseInt(last, 16) % count : 0
}

/** A random byte turned into one that names `partition` (byte % count === partition), as evenly random as the byte allows. */
export function byteForPartition(random: number, partition: number, count: number): number {
  if (count === 1) return random
  const byte = random - (random % count) + partition
  return byte > 255 ? byte - count : byte
}

/** The name a dedup claim's partition is chosen by (ofName): the claim's source and key. */
export function dedupAffinity(source: string, claimKey: string): string {
  return `${source}\n${claimKey}`
}

/**
 * What each partition keeps of RETENTION_COUNT and DEDUP_MAX: an equal share, rounded up, so
 * the partitions together keep about the configured number (events spread evenly over them).
 */
export function partitionShare(limits: { retentionCount: number; dedupMax: number }, count: number): { retentionCount: number; dedupMax: number } {
  return { retentionCount: Math.ceil(limits.retentionCount / count), dedupMax: Math.ceil(limits.dedupMax / count) }
}
