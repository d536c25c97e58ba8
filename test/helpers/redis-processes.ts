import { readdirSync, readFileSync, readlinkSync } from 'node:fs'

/** Pids of the redis-server processes working in `dir` or below (redis-server chdirs to its --dir; Linux /proc). */
export function redisServersFor(dir: string): number[] {
  const pids: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      if (readFileSync(`/proc/${name}/comm`, 'utf8').trim() === 'redis-server' && readlinkSync(`/proc/${name}/cwd`).startsWith(dir)) pids.push(Number(name))
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return pids
}

/** Reads the lock file the embedded Redis keeps in its data directory. */
export function embeddedRedisLock(redisDir: string): { pid: number; port: number } {
  return JSON.parse(readFileSync(`${redisDir}/redis-server.json`, 'utf8')) as { pid: number; port: number }
}
