import type { Redis } from 'ioredis'
import type { Keys } from './keys.ts'

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
export function createScheduleState(redis: Redis, keys: Keys): ScheduleState {
  const key = (name: string): string => keys.schedule(name)
  return {
    async read(names) {
      const pipeline = redis.pipeline()
      for (const name of names) pipeline.hmget(key(name), 'last_fire', 'last_event')
      const replies = (await pipeline.exec()) ?? []
      const out = new Map<string, ScheduleRecord>()
      names.forEach((name, i) => {
        const [err, fields] = replies[i] ?? [null, null]
        const [lastFire, lastEvent] = err ? [null, null] : ((fields as (string | null)[] | null) ?? [null, null])
        out.set(name, { last_fire: lastFire ?? null, last_event: lastEvent ?? null })
      })
      return out
    },
  }
}
