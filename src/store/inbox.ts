import type { Redis } from 'ioredis'
import type { Keys } from './keys.ts'

/** One inbox entry: the jobs JSON of each event an accept batch stored (scripts/includes.ts append_inbox). */
export interface InboxEntry {
  id: string
  jobs: string[]
}

/**
 * The read side of the inbox stream, through one consumer group: entries are read by one
 * consumer at a time, stay pending until acknowledged, and are taken over from a consumer that
 * stopped acknowledging (it died).
 */
export interface Inbox {
  /** creates the group (and the stream) unless it exists */
  ensureGroup(): Promise<void>
  /** takes over entries another consumer read but left unacknowledged for `idleMs` */
  claimStale(consumer: string, idleMs: number, count: number): Promise<void>
  /** `pending`: this consumer's own unacknowledged entries; `new`: entries no one read yet, waiting up to `blockMs` (0: not waiting) */
  read(consumer: string, which: 'pending' | 'new', count: number, blockMs: number): Promise<InboxEntry[]>
  /** acknowledges and deletes entries whose jobs are queued */
  ack(ids: readonly string[]): Promise<void>
}

const GROUP = 'pump'

type StreamEntries = [id: string, fields: string[]][]

/** `redis`: a dedicated connection when reading `new` entries (XREADGROUP BLOCK holds it). */
export function createInbox(redis: Redis, keys: Keys): Inbox {
  return {
    async ensureGroup() {
      await redis.xgroup('CREATE', keys.inbox, GROUP, '0', 'MKSTREAM').catch((err: Error) => {
        if (!err.message.includes('BUSYGROUP')) throw err
      })
    },
    async claimStale(consumer, idleMs, count) {
      await redis.xautoclaim(keys.inbox, GROUP, consumer, idleMs, '0', 'COUNT', count)
    },
    async read(consumer, which, count, blockMs) {
      const res = (
        which === 'pending'
          ? await redis.xreadgroup('GROUP', GROUP, consumer, 'COUNT', count, 'STREAMS', keys.inbox, '0')
          : blockMs > 0
            ? await redis.xreadgroup('GROUP', GROUP, consumer, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', keys.inbox, '>')
            : await redis.xreadgroup('GROUP', GROUP, consumer, 'COUNT', count, 'STREAMS', keys.inbox, '>')
      ) as [string, StreamEntries][] | null
      // an entry holds field/value pairs: event id -> that event's jobs JSON, one pair per event of a batch
      return (res?.[0]?.[1] ?? []).map(([id, fields]) => ({ id, jobs: fields.filter((_, i) => i % 2 === 1) }))
    },
    async ack(ids) {
      if (ids.length === 0) return
      await redis.xack(keys.inbox, GROUP, ...ids)
      await redis.xdel(keys.inbox, ...ids)
    },
  }
}
