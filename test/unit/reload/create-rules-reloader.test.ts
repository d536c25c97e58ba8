import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../../../src/logger.ts'
import { createRulesReloader } from '../../../src/reload/create-rules-reloader.ts'
import { loadRules } from '../../../src/rules/load-rules.ts'

const rule = (route: string, map = '{ "body": { "n": body.n } }'): string => `
sources:
  app: { type: generic, verify: none }
targets:
  ci: { type: http, url: "http://127.0.0.1:9/hook" }
routes:
  - name: ${route}
    source: app
    to: ci
    map: '${map}'
`

async function setup(): Promise<{ dir: string; lines: Record<string, unknown>[]; reloader: ReturnType<typeof createRulesReloader> }> {
  const dir = mkdtempSync(join(tmpdir(), 'hookyard-reload-'))
  writeFileSync(join(dir, 'r.yaml'), rule('first'))
  const lines: Record<string, unknown>[] = []
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>))
      done()
    },
  })
  const logger = createLogger({ level: 'info', destination })
  const initial = await loadRules(dir, { env: {} })
  return { dir, lines, reloader: createRulesReloader({ dir, env: {}, initial, logger }) }
}

describe('createRulesReloader', () => {
  it('swaps in a valid set as a whole', async () => {
    const { dir, reloader } = await setup()
    const before = reloader.current()
    writeFileSync(join(dir, 'r.yaml'), rule('second'))
    const outcome = await reloader.reload('api')
    expect(outcome).toMatchObject({ ok: true, changed: true })
    expect(reloader.current().routes.map((r) => r.name)).toEqual(['second'])
    expect(reloader.current().version).not.toBe(before.version)
    // the set a request already holds is untouched
    expect(before.routes.map((r) => r.name)).toEqual(['first'])
    expect(reloader.status().last_reload).toMatchObject({ ok: true, version: reloader.current().version })
  })

  it('keeps the serving set when any file of the new one is broken, and says where', async () => {
    const { dir, lines, reloader } = await setup()
    const serving = reloader.current()
    writeFileSync(join(dir, 'r.yaml'), rule('second'))
    writeFileSync(join(dir, 's.yaml'), rule('third', '{ "body": body.n + }').replace(/sources:[\s\S]*?routes:/, 'routes:'))
    const outcome = await reloader.reload('signal')
    expect(outcome.ok).toBe(false)
    expect(reloader.current()).toBe(serving)
    const status = reloader.status()
    expect(status.version).toBe(serving.version)
    expect(status.last_reload).toMatchObject({ ok: false })
    const problems = status.last_reload?.ok === false ? status.last_reload.problems : []
    expect(problems[0]).toMatch(new RegExp(`s\\.yaml:\\d+:\\d+ `))
    expect(lines.find((l) => l['msg'] === 'rules reload failed; previous rules keep serving')).toMatchObject({ trigger: 'signal', version: serving.version })
  })

  it('runs one load at a time; requests during a load share one more load after it', async () => {
    const { dir, lines, reloader } = await setup()
    writeFileSync(join(dir, 'r.yaml'), rule('second'))
    const first = reloader.reload('api')
    const [second, third] = [reloader.reload('watch'), reloader.reload('signal')]
    expect(second).toBe(third)
    await Promise.all([first, second, third])
    expect(lines.filter((l) => l['msg'] === 'rules reloaded')).toHaveLength(2)
    await reloader.idle()
  })
})
