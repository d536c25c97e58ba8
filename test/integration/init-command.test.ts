import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { Ajv } from 'ajv'
import { parse } from 'yaml'
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { startHookyardProcess, type HookyardProcess } from '../helpers/hookyard-process.ts'
import { ROOT, runCli } from '../helpers/run-cli.ts'
import { waitUntil } from '../helpers/wait-until.ts'

function sh(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile('sh', ['-c', script], (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }))
  })
}

describe('hookyard init', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'hookyard-init-')), 'rules')
  let printed = ''
  let capture: CaptureServer
  let relay: HookyardProcess | undefined

  beforeAll(async () => {
    capture = await startCaptureServer()
    const result = await runCli(['init', dir])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    printed = result.stdout
  })
  afterAll(async () => {
    await relay?.stop()
    await capture.close()
  })

  it('prints the relay URL and three numbered next steps', () => {
    expect(printed).toContain('http://localhost:8080/hooks/github')
    expect(printed).toContain(`npx hookyard test --rules ${dir}`)
    expect(printed).toContain(`npx hookyard serve --rules ${dir}`)
    expect(printed).toMatch(/1\. .*\n.*\n\s+2\. .*\n.*\n\s+3\. /)
  })

  it('writes rules that check clean, validate against the schema their header names, and a passing case', async () => {
    const text = readFileSync(join(dir, 'hookyard.yaml'), 'utf8')
    const header = /^# yaml-language-server: \$schema=(\S+)\n/.exec(text)
    expect(header).not.toBeNull()
    const schemaFile = resolve(dir, header?.[1] ?? '')
    expect(schemaFile).toBe(join(ROOT, 'schema', 'rules.schema.json'))
    const validate = new Ajv({ allErrors: true }).compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object)
    expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true)

    const check = await runCli(['check', dir])
    expect(check.stdout).toContain('rules OK: 1 sources, 1 targets, 1 routes')
    expect(check.code).toBe(0)
    const cases = await runCli(['test', '--rules', dir])
    expect(cases.stdout).toContain('1 passed, 0 failed')
    expect(cases.code).toBe(0)
  })

  it('the printed curl command is a signed push that reaches the target', async () => {
    relay = await startHookyardProcess('all', {
      RULES_DIR: dir,
      REDIS_URL: inject('redisUrl'),
      HOOKYARD_PREFIX: `init-${randomUUID()}`,
      BUILD_HOOK_URL: `${capture.url}/build`,
    })
    const curl = printed.slice(printed.indexOf('curl ')).replaceAll('http://localhost:8080', relay.url)
    const result = await sh(curl)
    expect(result.stdout).toMatch(/^HTTP\/1\.1 202/)
    await waitUntil(() => capture.requests.length > 0, 15_000, 'the starter route to deliver')
    expect(capture.requests[0]?.url).toBe('/build')
    expect(JSON.parse(capture.requests[0]?.body ?? '')).toEqual({
      repo: 'octo-org/app',
      sha: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
      message: 'Fix the build',
    })
  })

  it('refuses a directory that already has files and leaves them alone', async () => {
    const taken = dirname(dir)
    writeFileSync(join(taken, 'keep.yaml'), 'sources: {}\n')
    const result = await runCli(['init', taken])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('is not empty')
    expect(readFileSync(join(taken, 'keep.yaml'), 'utf8')).toBe('sources: {}\n')
  })
})
