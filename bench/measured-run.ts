import type { RedisServerHandle } from '../src/embedded-redis.ts'
import type { LoadResult } from './load.ts'
import { cpuMicros, type BenchProcess } from './processes.ts'
import { RedisStorage, type StoragePerEvent } from './redis-storage.ts'

/** CPU time per accepted request, in microseconds; redis is 0 for a server without one. */
export interface CpuPerRequest {
  server: number
  redis: number
  loadGenerator: number
}

export interface RunFigures {
  load: LoadResult
  cpu: CpuPerRequest
  /** what each accepted event left in Redis; only for a server that stores events */
  storage: StoragePerEvent | null
}

/** A durable server's Redis: its process (for CPU), its storage readings, and how many events it holds. */
export class DurableStore {
  readonly storage: RedisStorage
  /** events accepted into this Redis so far (warm-up included) */
  stored = 0

  constructor(
    readonly redis: RedisServerHandle,
    dir: string
  ) {
    this.storage = new RedisStorage(redis.url, dir)
  }

  /** Redis CPU (its rewrite child included) of one AOF rewrite of everything stored, per stored event, in microseconds. */
  async rewriteCpu(): Promise<number> {
    const before = cpuMicros(this.redis.pid)
    await this.storage.rewrite()
    return Math.round((cpuMicros(this.redis.pid) - before) / Math.max(1, this.stored))
  }

  close(): Promise<void> {
    return this.storage.close()
  }
}

/** Requests answered 2xx: for a durable server, the events it stored. */
export function accepted(result: LoadResult): number {
  return result.total - result.non2xx
}

/** Runs one load and what it cost per accepted request: CPU of each process and, with a store, Redis storage. */
export async function measured(server: BenchProcess, run: () => Promise<LoadResult>, store?: DurableStore): Promise<RunFigures> {
  const redisPid = store?.redis.pid
  const storageBefore = await store?.storage.read()
  const before = { server: server.cpuMicros(), redis: redisPid ? cpuMicros(redisPid) : 0, self: process.cpuUsage() }
  const result = await run()
  const self = process.cpuUsage(before.self)
  const after = { server: server.cpuMicros(), redis: redisPid ? cpuMicros(redisPid) : 0 }
  const events = accepted(result)
  const per = (us: number): number => Math.round(us / Math.max(1, events))
  const cpu = { server: per(after.server - before.server), redis: per(after.redis - before.redis), loadGenerator: per(self.user + self.system) }
  if (!store || !storageBefore) return { load: result, cpu, storage: null }
  store.stored += events
  return { load: result, cpu, storage: RedisStorage.perEvent(storageBefore, await store.storage.read(), events) }
}
