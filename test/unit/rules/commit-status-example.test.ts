import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { checkRules } from '../../../src/rules/check-rules.ts'
import type { RuleSet } from '../../../src/rules/types.ts'
import { SHIPPED_RULES } from './helpers.ts'

const temps: string[] = []
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true })
})

/** The example as a user enables it: copied to a loaded name, beside `others` of the shipped files. */
async function enable(others: readonly string[]): Promise<RuleSet> {
  const dir = mkdtempSync(join(tmpdir(), 'hookyard-commit-status-'))
  temps.push(dir)
  copyFileSync(join(SHIPPED_RULES, '_commit-status.yaml'), join(dir, 'commit-status.yaml'))
  for (const name of others) copyFileSync(join(SHIPPED_RULES, name), join(dir, name))
  const result = await checkRules(dir, { env: {} })
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.file}:${p.line}:${p.col} ${p.message}`).join('\n'))
  return result.ruleSet
}

describe('rules/_commit-status.yaml', () => {
  it('is a valid rule file once enabled, reporting each route to its host', async () => {
    const rs = await enable([])
    expect(rs.routes.map((r) => [r.name, r.reportTo.map((t) => t.target)])).toEqual([
      ['status-github-push', ['github-commit-status']],
      ['status-github-pr', ['github-commit-status']],
      ['status-gitlab-push', ['gitlab-commit-status']],
      ['status-bitbucket-push', ['bitbucket-commit-status']],
      ['status-release', ['github-commit-status']],
    ])
    const release = rs.routes.find((r) => r.name === 'status-release')?.reportTo[0]
    expect([release?.repository?.text, release?.sha?.text]).toEqual(['body.repository', 'body.commit'])
    expect(rs.targets.get('github-commit-status')?.options['context']).toBe('ci/bitrise')
  })

  it('loads beside every other shipped rule file: its names clash with none', async () => {
    const shipped = readdirSync(SHIPPED_RULES).filter((n) => /\.ya?ml$/.test(n) && !n.startsWith('_'))
    expect(shipped.length).toBeGreaterThan(0)
    const rs = await enable(shipped)
    expect(rs.routes.filter((r) => r.reportTo.length > 0)).toHaveLength(5)
  })
})
