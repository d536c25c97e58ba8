import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

export interface BenchProcess {
  port: number
  pid: number
  /** CPU time used so far (user + system, with waited-for children), in microseconds */
  cpuMicros(): number
  /** resident set size now, and its peak (VmHWM), in MiB */
  rssMiB(): { now: number; peak: number }
  stop(): Promise<void>
}

/**
 * Starts a Node process running `args` and waits for the JSON log line carrying its port. Its log
 * goes to a file, not a pipe: while autocannon keeps this process busy a pipe would go undrained,
 * and a server blocked on writing its log lines would be measured instead of its work.
 */
export async function startProcess(args: string[], env: Record<string, string>, listeningMsg: string): Promise<BenchProcess> {
  const logPath = join(mkdtempSync(join(tmpdir(), 'hookyard-bench-log-')), 'stdout.log')
  const logFd = openSync(logPath, 'w')
  const child: ChildProcess = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', logFd, 'inherit'] })
  closeSync(logFd)
  const marker = `"msg":"${listeningMsg}"`
  for (;;) {
    const line = readFileSync(logPath, 'utf8').split('\n').find((l) => l.includes(marker))
    if (line) return processHandle(child, (JSON.parse(line) as { port: number }).port)
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode ?? child.signalCode}; its log: ${logPath}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** The handle of a spawned server listening on `port`: its CPU time, memory, and a way to stop it. */
export function processHandle(child: ChildProcess, port: number): BenchProcess {
  return {
    port,
    pid: child.pid ?? -1,
    rssMiB: () => readRss(child.pid ?? -1),
    cpuMicros: () => cpuMicros(child.pid ?? -1),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve()
          return
        }
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

function readRss(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0)
  return { now: Math.round(kib('VmRSS') / 1024), peak: Math.round(kib('VmHWM') / 1024) }
}

/** Linux's USER_HZ: /proc reports CPU time in these ticks. */
const TICKS_PER_SEC = 100

/** CPU time of a process (user + system, plus its waited-for children, e.g. Redis's AOF rewrites), in microseconds. */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // fields after the ")" closing the command name: utime, stime, cutime, cstime are 14-17 of stat(5)
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0)
  return (ticks * 1e6) / TICKS_PER_SEC
}
