import { spawn } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Redis } from 'ioredis'
import { findFreePort, redisServerArgs, waitForStart } from './embedded-redis.ts'
import type { Logger } from './logger.ts'

/**
 * One embedded redis-server per data directory, shared by every hookyard process started there
 * without REDIS_URL (so `serve --role ingest` and `serve --role worker` in one folder meet in the
 * same Redis). The files in the data directory:
 *
 * - `redis-server.json`: `{ pid, port }` of the live instance (the lock: never two servers on one AOF)
 * - `owners/<pid>`: one file per hookyard process using it; the last one to leave stops the server
 * - `lock`: a short mutex around reading and changing the two above
 * - `redis-server.log`: the server's own log (it outlives the process that started it)
 */
export interface EmbeddedRedisOptions {
  dir: string
  logger: Logger
  /** redis-server binary; default: the one on PATH */
  binary?: string
  /**
   * Redis's `maxmemory` (with `noeviction`, a full Redis refuses writes instead of dropping keys);
   * also applied to a live server this process joins. Default: no limit.
   */
  maxmemoryBytes?: number
  /** the server died and could not be started again: hookyard cannot go on */
  onLost: (err: Error) => void
  /** how often to check that the server is alive */
  watchIntervalMs?: number
}

export interface EmbeddedRedis {
  url: string
  port: number
  /** true when this process started the server (false: it joined a live one) */
  started: boolean
  /** stops watching and leaves; the last process to leave stops the server. Safe to call twice. */
  release(): Promise<void>
}

interface LockRecord {
  pid: number
  port: number
}

const LOCK_FILE = 'redis-server.json'
const OWNERS_DIR = 'owners'
const MUTEX_FILE = 'lock'
const LOG_FILE = 'redis-server.log'
/** A mutex file older than this whose writer is gone (or never wrote its pid) is taken over. */
const MUTEX_STALE_MS = 2_000
const MUTEX_WAIT_MS = 30_000
/** A server loading a large AOF answers LOADING for a while: how long a live one may take to answer. */
const ANSWER_WAIT_MS = 15_000
/** SIGTERM makes redis-server fsync its AOF and exit; past this it is killed. */
const STOP_GRACE_MS = 10_000

export async function acquireEmbeddedRedis(options: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
  const { logger } = options
  // absolute: it is also how a live server's command line is recognised
  const dir = resolve(options.dir)
  mkdirSync(join(dir, OWNERS_DIR), { recursive: true })
  const ownerFile = join(dir, OWNERS_DIR, String(process.pid))
  let started = false
  const lock = await withMutex(dir, async () => {
    const live = await findLiveServer(dir, logger)
    if (live) {
      if (options.maxmemoryBytes !== undefined) await setMaxmemory(live.port, options.maxmemoryBytes)
      writeFileSync(ownerFile, '')
      return live
    }
    const fresh = await startDetached(dir, options.binary, await findFreePort(), options.maxmemoryBytes)
    started = true
    writeFileSync(ownerFile, '')
    return fresh
  })
  let current = lock
  let released = false
  let checking = false
  const watch = setInterval(() => {
    if (checking || released || isAlive(current.pid)) return
    checking = true
    // another process of this folder may already have started it again: the mutex orders them
    withMutex(dir, async () => {
      const live = await findLiveServer(dir, logger)
      if (live) {
        // connections keep their URL: a server on another port cannot take over
        if (live.port !== current.port) throw new Error(`another hookyard process of this folder started it on port ${live.port}`)
        logger.warn({ redis_pid: live.pid, port: live.port }, 'embedded redis-server was restarted by another hookyard process of this folder')
        return live
      }
      const next = await startDetached(dir, options.binary, current.port, options.maxmemoryBytes)
      logger.warn({ redis_pid: next.pid, port: next.port, data_dir: dir }, 'embedded redis-server exited; started it again on its data')
      return next
    })
      .then((next) => (current = next))
      .catch((err: unknown) => {
        released = true
        clearInterval(watch)
        options.onLost(new Error(`the embedded redis-server exited and could not be started again: ${(err as Error).message}`))
      })
      .finally(() => (checking = false))
  }, options.watchIntervalMs ?? 500)
  watch.unref()

  let releasing: Promise<void> | null = null
  const release = async (): Promise<void> => {
    released = true
    clearInterval(watch)
    await withMutex(dir, async () => {
      rmSync(ownerFile, { force: true })
      if (liveOwners(dir).length > 0) {
        logger.info({ redis_pid: current.pid }, 'embedded redis-server left running for the other hookyard processes of this folder')
        return
      }
      const record = readLock(dir)
      if (record && record.pid === current.pid) {
        await stopServer(record.pid)
        rmSync(join(dir, LOCK_FILE), { force: true })
      }
      logger.info({ redis_pid: current.pid }, 'embedded redis-server stopped')
    })
  }
  return {
    url: `redis://127.0.0.1:${lock.port}`,
    port: lock.port,
    started,
    release: () => (releasing ??= release()),
  }
}

/** The server in the lock file when it is alive and really is that redis-server; a stale lock is cleared. */
async function findLiveServer(dir: string, logger: Logger): Promise<LockRecord | null> {
  const record = readLock(dir)
  if (!record) return null
  if (isAlive(record.pid)) {
    const serverPid = await askServerPid(record.port, ANSWER_WAIT_MS)
    if (serverPid === record.pid) return record
    if (isRedisServerFor(record.pid, dir)) {
      // ours, alive, yet not answering: a second server on the same AOF must not start beside it
      logger.warn({ redis_pid: record.pid, port: record.port }, 'embedded redis-server does not answer; stopping it')
      await stopServer(record.pid)
    }
  } else {
    logger.info({ redis_pid: record.pid }, 'stale embedded redis-server lock (its process is gone)')
  }
  rmSync(join(dir, LOCK_FILE), { force: true })
  return null
}

async function startDetached(dir: string, binary: string | undefined, port: number, maxmemoryBytes: number | undefined): Promise<LockRecord> {
  const logFile = join(dir, LOG_FILE)
  const limit = maxmemoryBytes === undefined ? [] : ['--maxmemory', String(maxmemoryBytes)]
  // its own process group: a terminal's Ctrl-C reaches hookyard only, which then stops it in order;
  // no pipes: the server may outlive this process when another hookyard of this folder still uses it
  const child = spawn(binary ?? 'redis-server', redisServerArgs(dir, port, ['--logfile', logFile, ...limit]), { detached: true, stdio: 'ignore' })
  child.unref()
  await waitForStart(child, port, 10_000, () => tail(logFile))
  const record = { pid: child.pid ?? -1, port }
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify(record))
  return record
}

/** Sets the maxmemory of a live server this process joins: the last process started decides, as restarting one with a new value expects. */
async function setMaxmemory(port: number, bytes: number): Promise<void> {
  const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, connectTimeout: 1_000, retryStrategy: () => null, maxRetriesPerRequest: 0 })
  redis.on('error', () => undefined)
  try {
    await redis.connect()
    await redis.config('SET', 'maxmemory', String(bytes))
  } finally {
    redis.disconnect()
  }
}

/** INFO's process_id of the server on `port`, or null when nothing answers there in time. */
async function askServerPid(port: number, waitMs: number): Promise<number | null> {
  const redis = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    connectTimeout: 1_000,
    // one attempt per connect: this loop decides how long to wait
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  })
  redis.on('error', () => undefined)
  const deadline = Date.now() + waitMs
  try {
    for (;;) {
      try {
        await redis.connect()
        const info = await redis.info('server')
        const match = /process_id:(\d+)/.exec(info)
        return match ? Number(match[1]) : null
      } catch (err) {
        const refused = /ECONNREFUSED/.test((err as Error).message)
        if (refused || Date.now() > deadline) return null
        redis.disconnect()
        await sleep(200)
      }
    }
  } finally {
    redis.disconnect()
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * True when `pid` is a redis-server working in `dir`. redis-server rewrites its command line but
 * works in its `--dir`, so Linux /proc tells; elsewhere this answers false (unknown).
 */
function isRedisServerFor(pid: number, dir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'redis-server' && readlinkSync(`/proc/${pid}/cwd`) === dir
  } catch {
    return false
  }
}

async function stopServer(pid: number): Promise<void> {
  signal(pid, 'SIGTERM')
  const deadline = Date.now() + STOP_GRACE_MS
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      signal(pid, 'SIGKILL')
      await sleep(100)
      return
    }
    await sleep(20)
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name)
  } catch {
    // already gone
  }
}

/** Owner pids whose process is alive; files of dead owners (killed hookyards) are removed. */
function liveOwners(dir: string): number[] {
  const alive: number[] = []
  for (const name of readdirSync(join(dir, OWNERS_DIR))) {
    const pid = Number(name)
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) alive.push(pid)
    else if (pid !== process.pid) rmSync(join(dir, OWNERS_DIR, name), { force: true })
  }
  return alive
}

function readLock(dir: string): LockRecord | null {
  try {
    const parsed = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as Partial<LockRecord>
    return typeof parsed.pid === 'number' && typeof parsed.port === 'number' ? { pid: parsed.pid, port: parsed.port } : null
  } catch {
    return null
  }
}

/** Runs `fn` holding the folder's mutex file (created exclusively; taken over when its holder died). */
async function withMutex<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const file = join(dir, MUTEX_FILE)
  const deadline = Date.now() + MUTEX_WAIT_MS
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' })
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      if (mutexIsStale(file)) {
        rmSync(file, { force: true })
        continue
      }
      if (Date.now() > deadline) throw new Error(`${file} is held by another process for more than ${MUTEX_WAIT_MS / 1000} s`)
      await sleep(50)
    }
  }
  try {
    return await fn()
  } finally {
    rmSync(file, { force: true })
  }
}

function mutexIsStale(file: string): boolean {
  try {
    const holder = Number(readFileSync(file, 'utf8'))
    if (holder > 0) return !isAlive(holder)
    return Date.now() - statSync(file).mtimeMs > MUTEX_STALE_MS
  } catch {
    return false // removed meanwhile: just try again
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-4000)
  } catch {
    return ''
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
