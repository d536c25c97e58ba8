import { spawn } from 'node:child_process'
import { createHmac, randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { jsonMatches, outputMatches } from '../helpers/doc-checks.ts'
import { startHookyardProcess } from '../helpers/hookyard-process.ts'
import { docPaths, readDoc, splitMarkdown, type FencedBlock } from '../helpers/markdown-docs.ts'
import { BIN, ROOT, type CliResult } from '../helpers/run-cli.ts'
import { waitUntil } from '../helpers/wait-until.ts'

/** Runs a command in a directory with only PATH set, so no variable of the machine changes the output. */
function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { PATH: process.env['PATH'] ?? '', ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

interface OutputCase {
  page: string
  line: number
  args: string[]
  exit: number
  /** files of the `docs-file` blocks above it on the page: run in a fresh directory holding them */
  files: Map<string, string>
  expected: string
}

/** The blocks marked `<!-- output-of: hookyard ARGS (exit N) -->` on every page. */
function outputCases(): OutputCase[] {
  const cases: OutputCase[] = []
  for (const page of docPaths()) {
    let files = new Map<string, string>()
    for (const block of splitMarkdown(readDoc(page)).blocks) {
      const file = /^docs-file:\s*(\S+)$/.exec(block.comment ?? '')
      const output = /^output-of:\s*hookyard\s+(.*?)(?:\s+\(exit (\d+)\))?$/.exec(block.comment ?? '')
      if (file) {
        files.set(file[1] ?? '', `${block.text}\n`)
      } else if (output) {
        cases.push({ page, line: block.line, args: (output[1] ?? '').split(/\s+/), exit: Number(output[2] ?? 0), files, expected: block.text })
        files = new Map()
      }
    }
  }
  return cases
}

function workDir(files: Map<string, string>): string {
  if (files.size === 0) return ROOT
  const dir = mkdtempSync(join(tmpdir(), 'hookyard-docs-'))
  for (const [path, text] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}

function markedBlock(page: string, marker: string): { block: FencedBlock; blocks: FencedBlock[] } {
  const blocks = splitMarkdown(readDoc(page)).blocks
  const block = blocks.find((b) => b.comment?.startsWith(marker))
  if (!block) throw new Error(`${page}: no block marked <!-- ${marker} -->`)
  return { block, blocks }
}

describe('command output shown in the docs', () => {
  const cases = outputCases()

  it('finds the marked blocks', () => {
    expect(cases.map((c) => c.args.join(' '))).toEqual(expect.arrayContaining(['--help', 'check rules', 'test']))
  })

  it.each(cases.map((c) => [`${c.page}:${c.line} hookyard ${c.args.join(' ')}`, c] as const))('%s prints what the docs show', async (_, c) => {
    const res = await run(process.execPath, [BIN, ...c.args], workDir(c.files))
    expect(res.stderr).toBe('')
    expect(res.code).toBe(c.exit)
    if (!outputMatches(res.stdout, c.expected)) {
      // shows both texts in full when they differ
      expect(res.stdout).toBe(c.expected)
    }
  })
})

describe("the README's quick start", () => {
  it('answers the documented push with the documented JSON', async () => {
    const { block: answer, blocks } = markedBlock('README.md', 'quick-start-answer')
    const start = blocks.find((b) => /^\w+=\S+ npm start$/m.test(b.text) && b.line < answer.line)
    const send = blocks.find((b) => b.text.includes('curl ') && b.line < answer.line)
    const env = /^(\w+)=(\S+) npm start$/m.exec(start?.text ?? '')
    const body = /^BODY='(.*)'$/m.exec(send?.text ?? '')?.[1]
    const secret = /^SECRET=(\S+)$/m.exec(send?.text ?? '')?.[1]
    const path = /curl -s http:\/\/localhost:8080(\/hooks\/\S+)/.exec(send?.text ?? '')?.[1]
    if (!env || body === undefined || secret === undefined || path === undefined) throw new Error('README: the quick start blocks changed shape')
    expect(env[2]).toBe(secret)

    // ingest only: it answers the same, and sends nothing to the real CI systems
    const hookyard = await startHookyardProcess('ingest', { REDIS_URL: inject('redisUrl'), HOOKYARD_PREFIX: `docs-${randomUUID()}`, [env[1] ?? '']: env[2] ?? '' })
    try {
      const sig = createHmac('sha256', secret).update(body).digest('hex')
      const headers = Object.fromEntries(
        [...(send?.text ?? '').matchAll(/-H ['"]([^:]+): ([^'"]+)['"]/g)].map((m) => [
          m[1] ?? '',
          (m[2] ?? '').replace('$(cat /proc/sys/kernel/random/uuid)', randomUUID()).replace('$SIG', sig),
        ])
      )
      expect(Object.keys(headers)).toEqual(['Content-Type', 'X-GitHub-Event', 'X-GitHub-Delivery', 'X-Hub-Signature-256'])
      const res = await fetch(`${hookyard.url}${path}`, { method: 'POST', headers, body })
      expect(res.status).toBe(202)
      const got: unknown = await res.json()
      if (!jsonMatches(got, JSON.parse(answer.text))) {
        expect(got).toEqual(JSON.parse(answer.text))
      }
    } finally {
      await hookyard.stop()
    }
  })
})

describe('the scale-out commands of docs/scaling.md', () => {
  const { block } = markedBlock('docs/scaling.md', 'scale-out-commands')
  const lines = block.text
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter((l) => l !== '')

  it('are a build and two npx hookyard serve lines', () => {
    expect(lines).toEqual(['npm run build', expect.stringMatching(/^npx hookyard serve --role ingest /), expect.stringMatching(/^npx hookyard serve --role worker /)])
  })

  // As written, from the repository root, without REDIS_URL: the two share the folder's embedded
  // redis-server. --no-install proves npx runs the project's own bin rather than fetching a
  // package of that name. Ctrl-C in a terminal signals the whole process group, so does the test.
  it('start side by side in one folder, listen, and stop on Ctrl-C', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hookyard-docs-data-'))
    // the build line is what the suite's global setup did before any test
    const started = lines.slice(1).map((line) => {
      const [npx = '', ...args] = line.replace(/--port \d+/, '--port 0').split(/\s+/)
      const env: Record<string, string | undefined> = { ...process.env, HOOKYARD_DATA_DIR: dataDir, HOST: '127.0.0.1' }
      delete env['REDIS_URL']
      const child = spawn(npx, ['--no-install', ...args], { cwd: ROOT, env, detached: true })
      let output = ''
      child.stdout.on('data', (d: Buffer) => (output += d.toString()))
      child.stderr.on('data', (d: Buffer) => (output += d.toString()))
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      return { line, role: args[args.indexOf('--role') + 1] ?? '', child, exited, output: () => output }
    })
    try {
      for (const p of started) {
        await waitUntil(() => p.output().includes('"msg":"hookyard listening"') || p.child.exitCode !== null, 45_000, `${p.line} to listen`)
        expect(p.output(), p.line).toContain(`"role":"${p.role}"`)
        expect(p.output(), p.line).toContain('"msg":"hookyard listening"')
      }
      // serve takes over SIGINT just after it logs "hookyard listening"; a Ctrl-C in that instant
      // would end it the default way, so give it a moment as a person at the keyboard would
      await new Promise((resolve) => setTimeout(resolve, 1000))
    } finally {
      for (const p of started.reverse()) {
        if (p.child.pid !== undefined && p.child.exitCode === null && p.child.signalCode === null) process.kill(-p.child.pid, 'SIGINT')
        await p.exited
      }
    }
    for (const p of started) {
      expect(p.output(), p.line).toContain('"msg":"stopped"')
    }
  })
})
