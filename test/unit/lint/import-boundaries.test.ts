import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '../../..')
const run = promisify(execFile)

interface Violation {
  from: string
  to: string
  rule: { name: string }
}

/** dependency-cruiser's verdict on a tree, with the project's own configuration. */
async function cruise(path: string): Promise<Violation[]> {
  const bin = join(ROOT, 'node_modules/.bin/depcruise')
  // exits non-zero when it finds violations: the JSON report is on stdout either way
  const { stdout } = await run(bin, [path, '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], { cwd: ROOT }).catch(
    (err: { stdout: string }) => ({ stdout: err.stdout })
  )
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations
}

describe('the pure core stays free of I/O (lint)', { timeout: 120_000 }, () => {
  const eslint = new ESLint({ cwd: ROOT })

  it.each(['src/sources/github.ts', 'src/rules/load-rules.ts', 'src/mapping/compile-expression.ts', 'src/targets/gitlab.ts', 'src/routing/plan-deliveries.ts'])(
    '%s bans the Redis client, the HTTP framework and the logger',
    async (file) => {
      const config = (await eslint.calculateConfigForFile(file)) as { rules: Record<string, [number, { paths: string[] }]> }
      const [severity, options] = config.rules['no-restricted-imports']!
      expect(severity).toBe(2)
      expect(options.paths).toEqual(expect.arrayContaining(['ioredis', 'hono', 'pino', 'bullmq', 'prom-client']))
    }
  )

  it('fails on an ioredis or hono import in a source type, and allows it in http/', async () => {
    const text = "import { Redis } from 'ioredis'\nimport { Hono } from 'hono'\nexport const both = [Redis, Hono]\n"
    const [core] = await eslint.lintText(text, { filePath: join(ROOT, 'src/sources/github.ts') })
    const banned = core!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)
    expect(banned).toHaveLength(2)
    expect(banned.join('\n')).toMatch(/'ioredis' import is restricted/)
    expect(banned.join('\n')).toMatch(/'hono' import is restricted/)

    const [http] = await eslint.lintText(text, { filePath: join(ROOT, 'src/http/create-app.ts') })
    expect(http!.messages.filter((m) => m.ruleId === 'no-restricted-imports')).toEqual([])
  })

  it('keeps bullmq inside queue/', async () => {
    const text = "import { Queue } from 'bullmq'\nexport const q = Queue\n"
    const [outside] = await eslint.lintText(text, { filePath: join(ROOT, 'src/start-hookyard.ts') })
    expect(outside!.messages.map((m) => m.ruleId)).toContain('no-restricted-imports')
    const [inside] = await eslint.lintText(text, { filePath: join(ROOT, 'src/queue/delivery-queue.ts') })
    expect(inside!.messages.map((m) => m.ruleId)).not.toContain('no-restricted-imports')
  })
})

describe('the module graph of src/ (dependency-cruiser)', { timeout: 60_000 }, () => {
  it('has no import cycle and no path from the pure core to an I/O package', async () => {
    expect(await cruise('src')).toEqual([])
  })

  it('catches a cycle, and a core module reaching ioredis through a helper', async () => {
    const violations = await cruise('test/fixtures/import-graph/src')
    const found = violations.map((v) => `${v.rule.name} ${v.from.replace(/^.*\/src\//, '')}`)
    expect(found).toEqual(
      expect.arrayContaining(['no-circular http/cycle-a.ts', 'pure-core-no-io sources/leaky-source.ts', 'pure-core-no-io mapping/leaky-helper.ts'])
    )
  })
})
