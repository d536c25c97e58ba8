import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { startCli } from './run-cli.ts'
import { waitUntil } from './wait-until.ts'

export interface HookyardProcess {
  role: string
  url: string
  child: ChildProcess
  /** parsed JSON log lines so far */
  logs(): Record<string, unknown>[]
  /** everything printed so far, stdout and stderr, JSON or not */
  output(): string
  /** SIGTERM and wait for exit */
  stop(): Promise<void>
  /** SIGKILL and wait for exit */
  kill(): Promise<void>
}

/** Writes rule files into a fresh directory and returns its path. */
export function writeRules(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hookyard-rules-'))
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), text)
  }
  return dir
}

/** Runs `hookyard serve --role ROLE` as a real child process and waits until it listens. */
export async function startHookyardProcess(role: 'all' | 'ingest' | 'worker', env: Record<string, string>): Promise<HookyardProcess> {
  const { child, output } = startCli(['serve', '--role', role, '--port', '0'], { HOST: '127.0.0.1', LOG_LEVEL: 'debug', ...env })
  const logs = (): Record<string, unknown>[] =>
    output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
  await waitUntil(() => logs().some((l) => l['msg'] === 'hookyard listening') || child.exitCode !== null, 20_000, `hookyard ${role} to listen`)
  const listening = logs().find((l) => l['msg'] === 'hookyard listening')
  if (!listening) {
    throw new Error(`hookyard ${role} did not start:\n${output()}`)
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal)
      await exited
    }
  }
  return {
    role,
    url: `http://127.0.0.1:${String(listening['port'])}`,
    child,
    logs,
    output,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
  }
}
