import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { HookyardError } from './errors.ts'

export interface RedisServerOptions {
  /** data directory (AOF lives here) */
  dir: string
  /** 0 = pick a free loopback port */
  port?: number
  /** redis-server binary; default: the one on PATH */
  binary?: string
  startTimeoutMs?: number
}

export interface RedisServerHandle {
  url: string
  port: number
  pid: number
  /** stops the server (SIGTERM, then SIGKILL after a grace period) */
  stop(): Promise<void>
}

const HOW_TO_GET_REDIS =
  'hookyard needs Redis. Install redis-server (e.g. `apt-get install redis-server`, `brew install redis`), ' +
  'set REDIS_URL to an existing Redis, or run `docker compose up`.'

/**
 * Starts a private redis-server on loopback with AOF on (no acknowledged event is lost
 * on restart) and `noeviction` (eviction would silently drop queued deliveries).
 * @throws HookyardError `REDIS_NOT_FOUND` when no redis-server binary can be started
 */
export async function startRedisServer(options: RedisServerOptions): Promise<RedisServerHandle> {
  mkdirSync(options.dir, { recursive: true })
  const port = options.port && options.port > 0 ? options.port : await findFreePort()
  const child = spawn(options.binary ?? 'redis-server', redisServerArgs(options.dir, port), { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)))
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)))

  await waitForStart(child, port, options.startTimeoutMs ?? 10_000, () => output)
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? -1,
    stop: () => stopChild(child),
  }
}

/** The command line of a private redis-server: loopback only, AOF on, `noeviction`. */
export function redisServerArgs(dir: string, port: number, extra: string[] = []): string[] {
  return [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--appendonly', 'yes',
    '--appendfsync', 'everysec',
    // AOF rewrites write an RDB preamble; LZF-compressing every webhook body in it was the
    // single largest CPU cost of the rewrite (measured with perf), for a file that is only disk
    '--rdbcompression', 'no',
    '--save', '',
    '--maxmemory-policy', 'noeviction',
    '--daemonize', 'no',
    '--protected-mode', 'yes',
    ...extra,
  ]
}

/**
 * Resolves once the just-spawned server accepts connections; rejects (and kills it) when it exits,
 * cannot be spawned, or is not up within `timeoutMs`.
 */
export async function waitForStart(child: ChildProcess, port: number, timeoutMs: number, output: () => string): Promise<void> {
  let failure: Error | null = null as Error | null
  child.once('error', (err: NodeJS.ErrnoException) => {
    failure =
      err.code === 'ENOENT'
        ? new HookyardError('REDIS_NOT_FOUND', `redis-server was not found on PATH. ${HOW_TO_GET_REDIS}`)
        : err
  })
  child.once('exit', (code) => {
    failure ??= new Error(`redis-server exited with code ${code}: ${output()}`)
  })
  const deadline = Date.now() + timeoutMs
  // poll until it accepts connections; stop at once when the process failed to start or died
  while (failure === null) {
    if (await canConnect(port)) {
      return
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`redis-server did not start within ${timeoutMs} ms: ${output()}`)
    }
    await new Promise((r) => setTimeout(r, 25))
  }
  child.kill('SIGKILL')
  throw failure
}

export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve()
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      const port = typeof address === 'object' && address ? address.port : 0
      srv.close(() => resolve(port))
    })
  })
}
