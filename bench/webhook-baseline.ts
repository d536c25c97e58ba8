/**
 * The third-party baseline: adnanh/webhook (Debian's `webhook` package), configured the way its
 * documentation shows for GitHub: a payload-hmac-sha256 trigger rule on X-Hub-Signature-256, and a
 * command (/bin/true) run for every request that passes. It stores nothing.
 */
import { spawn } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { canConnect, findFreePort } from '../src/embedded-redis.ts'
import { processHandle, type BenchProcess } from './processes.ts'

export const WEBHOOK_BINARY = '/usr/bin/webhook'
export const WEBHOOK_MISSING = `${WEBHOOK_BINARY} not found: the adnanh/webhook baseline is skipped (install it with \`apt-get install -y webhook\`)`

/** Starts webhook serving /hooks/github from a hooks.json written into `dir`; null when it is not installed. */
export async function startWebhook(dir: string, secret: string): Promise<BenchProcess | null> {
  if (!existsSync(WEBHOOK_BINARY)) return null
  const hooksFile = join(dir, 'hooks.json')
  writeFileSync(hooksFile, JSON.stringify([githubHook(secret)], null, 2))
  const port = await findFreePort()
  const child = spawn(WEBHOOK_BINARY, ['-hooks', hooksFile, '-port', String(port), '-ip', '127.0.0.1'], { stdio: ['ignore', 'ignore', 'inherit'] })
  const deadline = Date.now() + 10_000
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`${WEBHOOK_BINARY} did not listen on port ${port} within 10 s (exit code ${child.exitCode})`)
    }
    await new Promise((r) => setTimeout(r, 25))
  }
  return processHandle(child, port)
}

function githubHook(secret: string): object {
  return {
    id: 'github',
    'execute-command': '/bin/true',
    'success-http-response-code': 202,
    'trigger-rule': {
      match: { type: 'payload-hmac-sha256', secret, parameter: { source: 'header', name: 'X-Hub-Signature-256' } },
    },
  }
}
