import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { startProcess, type BenchProcess } from './processes.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const RUNS = 5
/** start-up work (rule load, Redis scripts, first timers) is over by then */
const JUST_STARTED_MS = 3_000
/**
 * An idle server's memory once V8 has noticed it is idle: its memory reducer runs a compacting GC
 * and shrinks the young generation some 10 to 20 s after the start-up allocations stop. That
 * steady state is what an idle relay holds for the rest of its life.
 */
const SETTLED_MS = 30_000

export interface StartupFigures {
  /** `node -e 0`, the floor every figure below includes (it shows how busy the machine is) */
  node_ms: number
  /** `hookyard --version`, spawn to exit, median of 5 */
  version_ms: number
  /** `hookyard check rules` on the shipped rules, median of 5 */
  check_ms: number
  /** `hookyard serve`, spawn to the "listening" log line, median of 5 */
  serve_listening_ms: number
  /** RSS of an idle `hookyard serve` (role all, shipped rules) 3 s after it listens, median of 5 */
  serve_started_rss_mib: number
  /** RSS of the same processes after at least 30 s idle, median of 5 */
  serve_idle_rss_mib: number
  /** of which file-backed pages (mostly the node binary's own code, shared by every node process) */
  serve_idle_rss_file_mib: number
}

/** Start-up cost of the bin itself (node bin/hookyard.js; npx adds its own start-up on top). */
export async function measureStartup(redisUrl: string): Promise<StartupFigures> {
  await timeRun(['bin/hookyard.js', '--version']) // warm the file cache
  const node = await median(() => timeRun(['-e', '0']))
  const version = await median(() => timeRun(['bin/hookyard.js', '--version']))
  const check = await median(() => timeRun(['bin/hookyard.js', 'check', 'rules']))
  const listening: number[] = []
  const started: number[] = []
  // the servers stay up side by side (idle, they do not disturb each other's start) until the last has settled
  const servers: BenchProcess[] = []
  let settled: number[] = []
  let settledFile: number[] = []
  try {
    for (let i = 0; i < RUNS; i++) {
      const begun = performance.now()
      const serve = await startProcess(
        ['bin/hookyard.js', 'serve', '--rules', 'rules'],
        { REDIS_URL: redisUrl, HOOKYARD_PREFIX: `bench-startup-${i}`, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', HOOKYARD_ADMIN_TOKEN: 'bench-startup-token-0123' },
        'hookyard listening'
      )
      servers.push(serve)
      listening.push(performance.now() - begun)
      await sleep(JUST_STARTED_MS)
      started.push(serve.rssMiB().now)
    }
    await sleep(SETTLED_MS - JUST_STARTED_MS)
    settled = servers.map((serve) => serve.rssMiB().now)
    settledFile = servers.map((serve) => fileBackedMiB(serve.pid))
  } finally {
    await Promise.all(servers.map((serve) => serve.stop()))
  }
  return {
    node_ms: Math.round(node),
    version_ms: Math.round(version),
    check_ms: Math.round(check),
    serve_listening_ms: Math.round(middle(listening)),
    serve_started_rss_mib: Math.round(middle(started)),
    serve_idle_rss_mib: Math.round(middle(settled)),
    serve_idle_rss_file_mib: Math.round(middle(settledFile)),
  }
}

function fileBackedMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Math.round(Number(/RssFile:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024)
}

async function median(run: () => Promise<number>): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    times.push(await run())
  }
  return middle(times)
}

function middle(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

/** Wall time of one `node ARGS` from spawn to exit; fails on a non-zero exit. */
function timeRun(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'ignore' })
    child.once('exit', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`node ${args.join(' ')} exited with ${code}`))))
  })
}
