import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initCommand } from '../../src/cli/init-command.ts'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'

function sh(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile('sh', ['-c', script], (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }))
  })
}

function collect(): { stream: Writable; text: () => string } {
  let text = ''
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString()
      done()
    },
  })
  return { stream, text: () => text }
}

/** The test push `hookyard init` prints is meant to be run again and again while trying the rules out. */
describe('the curl command hookyard init prints', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'hookyard-init-curl-')), 'rules')
  let printed = ''
  let build: CaptureServer
  let hy: TestHookyard

  beforeAll(async () => {
    build = await startCaptureServer()
    const out = collect()
    const err = collect()
    expect(initCommand(dir, {}, out.stream, err.stream)).toBe(0)
    expect(err.text()).toBe('')
    printed = out.text()
    hy = await startTestHookyard({
      rules: { 'hookyard.yaml': readFileSync(join(dir, 'hookyard.yaml'), 'utf8') },
      env: { BUILD_HOOK_URL: `${build.url}/build` },
    })
  })
  afterAll(async () => {
    await hy.stop()
    await build.close()
  })

  it('is accepted each time it is run, with a new delivery id, and each run triggers a build', async () => {
    const curl = printed.slice(printed.indexOf('curl ')).replaceAll('http://localhost:8080', hy.url)
    const first = await sh(curl)
    const second = await sh(curl)
    for (const run of [first, second]) {
      expect(run.stderr).not.toMatch(/error|not found/i)
      expect(run.stdout).toMatch(/^HTTP\/1\.1 202/)
      expect(run.stdout).not.toContain('duplicate')
    }
    await expect.poll(() => build.requests.length, { timeout: 15_000 }).toBe(2)
    const delivered = hy.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === 'event accepted')
    expect(delivered).toHaveLength(2)
    expect(delivered[0]!['sender_delivery']).toMatch(/^[0-9a-f]{32}$/)
    expect(delivered[1]!['sender_delivery']).toMatch(/^[0-9a-f]{32}$/)
    expect(delivered[0]!['sender_delivery']).not.toBe(delivered[1]!['sender_delivery'])
  })
})
