import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

export interface BenchProcess {
  port: number
  pid: number
  /** resident set size now, and its peak (VmHWM), in MiB */
  rssMiB(): { now: number; peak: number }
  stop(): Promise<void>
}

/** Starts a Node process running `args` and waits for the JSON log line carrying its port. */
export async function startProcess(args: string[], env: Record<string, string>, listeningMsg: string): Promise<BenchProcess> {
  const child: ChildProcess = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise<number>((resolve, reject) => {
    let buffer = ''
    const onData = (d: Buffer): void => {
      buffer += d.toString()
      for (const line of buffer.split('\n')) {
        if (line.includes(`"msg":"${listeningMsg}"`)) {
          child.stdout?.off('data', onData)
          child.stdout?.resume() // keep draining the log so the child never blocks on a full pipe
          resolve((JSON.parse(line) as { port: number }).port)
          return
        }
      }
    }
    child.stdout?.on('data', onData)
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)))
  })
  return {
    port,
    pid: child.pid ?? -1,
    rssMiB: () => readRss(child.pid ?? -1),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) {
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
