import type { Redis } from 'ioredis'
import type { Keys } from './keys.ts'
import { asPartitions, type Partitions } from './partitions.ts'

/** What is remembered of a schedule across processes and restarts. */
export interface ScheduleRecord {
  /** the latest tick fired (ISO 8601 UTC): where a restarted worker looks for missed ticks */
  last_fire: string | null
  /** the event of the latest tick or manual run */
  last_event: string | null
}

export interface ScheduleState {
  read(names: readonly string[]): Promise<Map<string, ScheduleRecord>>
}

/** One hash per schedule (keys.ts `schedule`), written by the accept script with the schedule's event. */
export function createScheduleState(redis: Redis, keys: Keys | Partitions): ScheduleState {
  // a schedule's events and its hash live in the schedule's partition (ingest-pipeline.ts partitionFor)
  const partitions = asPartitions(keys)
  return {
    async read(names) {
      // sent together, one command per schedule (their keys may be on different slots)
      const replies = await Promise.all(
        names.map((name) => redis.hmget(partitions.forName(name).schedule(name), 'last_fire', 'last_event').catch(() => [null, null]))
      )
      const out = new Map<string, ScheduleRecord>()
      names.forEach((name, i) => {
        const [lastFire, lastEvent] = replies[i] ?? [null, null]
        out.set(name, { last_fire: lastFire ?? null, last_event: lastEvent ?? null })
      })
      return out
    },
  }
}
