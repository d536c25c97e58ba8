import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { HELP_TEXT } from '../../src/cli/help-text.ts'
import { runCli, startCli } from '../helpers/run-cli.ts'

describe('hookyard CLI', () => {
  it('prints the help text', async () => {
    const res = await runCli(['--help'])
    expect(res.code).toBe(0)
    expect(res.stdout).toBe(HELP_TEXT)
  })

  it('check passes on the shipped rules without any environment', async () => {
    const res = await runCli(['check', 'rules'])
    expect(res.stderr).toBe('')
    expect(res.code).toBe(0)
    expect(res.stdout).toMatch(/^rules OK: \d+ sources, \d+ targets, \d+ routes \(version [0-9a-f]+\)\n$/)
  })

  it('check exits 1 with file:line:col lines for broken rules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookyard-broken-'))
    writeFileSync(
      join(dir, 'broken.yaml'),
      ['sources:', '  gh:', '    type: githubb', '    secret: x', 'routes:', '  - name: r', '    source: gh', '    to: [nowhere]', ''].join('\n')
    )
    const res = await runCli(['check', dir])
    expect(res.code).toBe(1)
    const lines = res.stdout.trim().split('\n')
    expect(lines.some((l) => /broken\.yaml:3:\d+ .*githubb/.test(l))).toBe(true)
    expect(lines.some((l) => /broken\.yaml:8:\d+ .*nowhere/.test(l))).toBe(true)
  })

  it('check reports an unknown JSONata function at file:line:col with the right spelling', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookyard-fn-'))
    writeFileSync(
      join(dir, 'r.yaml'),
      [
        'sources:',
        '  gh: { type: github, secret: x }',
        'targets:',
        '  ci: { type: http, url: "http://127.0.0.1:9/" }',
        'routes:',
        '  - name: r',
        '    source: gh',
        '    to: ci',
        '    map: \'{ "body": { "branch": $lowerCase(push.branch) } }\'',
        '',
      ].join('\n')
    )
    const res = await runCli(['check', dir])
    expect(res.code).toBe(1)
    const column = '    map: \'{ "body": { "branch": '.length + 1
    expect(res.stdout).toContain(`r.yaml:9:${column} route r: map: unknown function $lowerCase (did you mean $lowercase?)`)
  })

  it('serve with no REDIS_URL starts a private redis-server, answers /healthz and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hookyard-data-'))
    const { child, output } = startCli(['serve', '--port', '0'], {
      REDIS_URL: '',
      HOOKYARD_DATA_DIR: dataDir,
      HOST: '127.0.0.1',
    })
    try {
      await expect.poll(() => /"msg":"hookyard listening"/.test(output()), { timeout: 20_000 }).toBe(true)
      const lines = output().split('\n').filter((l) => l.startsWith('{'))
      const first = lines.slice(0, 4).map((l) => JSON.parse(l) as { msg: string })
      expect(first.some((l) => l.msg.startsWith('embedded redis-server started'))).toBe(true)
      const listening = lines.map((l) => JSON.parse(l) as { msg: string; port?: number }).find((l) => l.msg === 'hookyard listening')
      const res = await fetch(`http://127.0.0.1:${listening!.port}/healthz`)
      expect(res.status).toBe(200)
      const ready = await fetch(`http://127.0.0.1:${listening!.port}/readyz`)
      expect(ready.status).toBe(200)
      expect(existsSync(join(dataDir, 'redis'))).toBe(true)
    } finally {
      child.kill('SIGTERM')
    }
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code).toBe(0)
    expect(output()).toContain('"msg":"stopped"')
  })

  it('serve without a redis-server on PATH says how to get Redis', async () => {
    const res = await runCli(['serve', '--port', '0'], {
      REDIS_URL: '',
      PATH: '/nonexistent',
      HOOKYARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'hookyard-data-')),
    })
    expect(res.code).toBe(1)
    expect(res.stderr).toMatch(/redis-server was not found on PATH.*docker compose up/s)
  })
})
