import { join } from 'node:path'
import { startRedisServer, type RedisServerHandle } from '../src/embedded-redis.ts'
import { startProcess, type BenchProcess } from './processes.ts'

export interface FreshRelay {
  server: BenchProcess
  stop(): Promise<void>
}

/**
 * `serve --role all` (ingest and worker in one process) on a redis-server of its own, started empty in
 * `work/redis-<name>`: what earlier runs stored would otherwise be delivered or rewritten alongside.
 */
export async function startFreshRelay(work: string, name: string, env: Record<string, string>): Promise<FreshRelay> {
  const redis: RedisServerHandle = await startRedisServer({ dir: join(work, `redis-${name}`) })
  let server: BenchProcess
  try {
    server = await startProcess(['bin/hookyard.js', 'serve', '--role', 'all'], { ...env, REDIS_URL: redis.url, HOOKYARD_PREFIX: `bench-${name}` }, 'hookyard listening')
  } catch (err) {
    await redis.stop()
    throw err
  }
  return {
    server,
    stop: async () => {
      await server.stop()
      await redis.stop()
    },
  }
}
