import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '../../..')
/** typescript-eslint's restricted imports: it tells `import type` apart */
const RULE = '@typescript-eslint/no-restricted-imports'
const VALUE_IMPORT = "import { Redis } from 'ioredis'\nexport const client = new Redis()\n"
const TYPE_IMPORT = "import type { Redis } from 'ioredis'\nexport const ping = (redis: Redis) => redis.ping()\n"
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
      const config = (await eslint.calculateConfigForFile(file)) as { rules: Record<string, [number, { paths: { name: string; allowTypeImports?: boolean }[] }]> }
      const [severity, options] = config.rules[RULE]!
      expect(severity).toBe(2)
      expect(options.paths.map((p) => p.name)).toEqual(expect.arrayContaining(['ioredis', 'hono', 'pino', 'bullmq', 'prom-client']))
      // not even a type: the core knows nothing of Redis
      expect(options.paths.find((p) => p.name === 'ioredis')?.allowTypeImports).toBeFalsy()
    }
  )

  it('fails on an ioredis or hono import in a source type, and allows hono in http/', async () => {
    const text = "import { Redis } from 'ioredis'\nimport { Hono } from 'hono'\nexport const both = [Redis, Hono]\n"
    const [core] = await eslint.lintText(text, { filePath: join(ROOT, 'src/sources/github.ts') })
    const banned = core!.messages.filter((m) => m.ruleId === RULE).map((m) => m.message)
    expect(banned).toHaveLength(2)
    expect(banned.join('\n')).toMatch(/'ioredis' import is restricted/)
    expect(banned.join('\n')).toMatch(/'hono' import is restricted/)

    const hono = "import { Hono } from 'hono'\nexport const app = Hono\n"
    const [http] = await eslint.lintText(hono, { filePath: join(ROOT, 'src/http/create-app.ts') })
    expect(http!.messages.filter((m) => m.ruleId === RULE)).toEqual([])
  })

  it('fails on a type import of ioredis in the pure core', async () => {
    const [core] = await eslint.lintText(TYPE_IMPORT, { filePath: join(ROOT, 'src/routing/plan-deliveries.ts') })
    expect(core!.messages.filter((m) => m.ruleId === RULE).map((m) => m.message).join('\n')).toMatch(/'ioredis' import is restricted/)
  })

  it.each(['src/queue/delivery-worker.ts', 'src/http/create-app.ts', 'src/start-hookyard.ts'])(
    'keeps ioredis values inside store/: %s fails on a value import and passes a type import',
    async (file) => {
      const [value] = await eslint.lintText(VALUE_IMPORT, { filePath: join(ROOT, file) })
      const banned = value!.messages.filter((m) => m.ruleId === RULE).map((m) => m.message)
      expect(banned).toHaveLength(1)
      expect(banned[0]).toMatch(/'ioredis' import is restricted.*src\/store\//)
      const [type] = await eslint.lintText(TYPE_IMPORT, { filePath: join(ROOT, file) })
      expect(type!.messages.filter((m) => m.ruleId === RULE)).toEqual([])
    }
  )

  it.each(['src/store/delivery-log.ts', 'src/store/scripts/register-scripts.ts', 'src/compose/connections.ts'])('allows an ioredis value import in %s', async (file) => {
    const [inside] = await eslint.lintText(VALUE_IMPORT, { filePath: join(ROOT, file) })
    expect(inside!.messages.filter((m) => m.ruleId === RULE)).toEqual([])
  })

  it('keeps bullmq inside queue/', async () => {
    const text = "import { Queue } from 'bullmq'\nexport const q = Queue\n"
    const [outside] = await eslint.lintText(text, { filePath: join(ROOT, 'src/start-hookyard.ts') })
    expect(outside!.messages.map((m) => m.ruleId)).toContain(RULE)
    const [store] = await eslint.lintText(text, { filePath: join(ROOT, 'src/store/inbox.ts') })
    expect(store!.messages.map((m) => m.ruleId)).toContain(RULE)
    const [inside] = await eslint.lintText(text, { filePath: join(ROOT, 'src/queue/delivery-queue.ts') })
    expect(inside!.messages.map((m) => m.ruleId)).not.toContain(RULE)
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
