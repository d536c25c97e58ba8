/**
 * A rule test case can carry the CI system's answer to a real trigger: `hookyard test` prints the
 * build hookyard would keep from it, and a `build` expectation fails the case when another is read.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { formatCaseResults, runCases } from '../../../src/dry-run/run-cases.ts'
import { SHIPPED_RULES } from '../rules/helpers.ts'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const RULES = [
  'sources:',
  '  in: { type: generic, verify: none }',
  'targets:',
  '  ci: { type: bitrise, app_slug: app1, token: t0123456789 }',
  '  gh: { type: github-actions, repo: acme/web, workflow: ci.yml, token: t0123456789 }',
  'routes:',
  '  - { name: r, source: in, to: ci, map: \'{ "branch": "main" }\' }',
  '  - { name: r2, source: in, to: gh, map: \'{ "ref": "main" }\' }',
  '',
].join('\n')

const BITRISE_ANSWER = '{ status: ok, build_slug: b1, build_number: 42, build_url: "https://app.bitrise.io/build/b1" }'

function casesWith(bitriseExtra: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'hookyard-recorded-build-'))
  dirs.push(dir)
  writeFileSync(join(dir, 'r.yaml'), RULES)
  mkdirSync(join(dir, 'tests'))
  writeFileSync(
    join(dir, 'tests', 'c.yaml'),
    ['source: in', 'body: {}', 'expect:', '  - route: r', '    target: ci', ...bitriseExtra.map((l) => `    ${l}`), '  - route: r2', '    target: gh', '    response: { status: 204 }', ''].join('\n')
  )
  return dir
}

const run = (dir: string) => runCases({ rulesDir: dir, casesDir: join(dir, 'tests'), userAgent: 'hookyard/test' })

describe('recorded responses in rule test cases', () => {
  it('prints the build read from each recorded response, and that a 204 names none', async () => {
    const dir = casesWith([`response: { status: 201, body: ${BITRISE_ANSWER} }`, 'build: { url: "https://app.bitrise.io/build/b1", number: 42 }'])
    const results = await run(dir)
    expect(results).toEqual([expect.objectContaining({ passed: true })])
    expect(formatCaseResults(results, 'tests').split('\n').slice(1, 3)).toEqual([
      '    build  r -> ci: https://app.bitrise.io/build/b1 (#42)',
      '    build  r2 -> gh: no build reference in the recorded response',
    ])
  })

  it('fails a case whose expected build differs from the one read', async () => {
    const dir = casesWith([`response: { body: ${BITRISE_ANSWER} }`, 'build: { number: 7 }'])
    const [result] = await run(dir)
    expect(result?.passed).toBe(false)
    expect(result?.lines).toEqual(['  delivery r -> ci:', '    - build.number: "7"', '    + build.number: "42"'])
  })

  it('refuses a build expectation without a recorded response', async () => {
    const dir = casesWith(['build: { number: 7 }'])
    const [result] = await run(dir)
    expect(result?.passed).toBe(false)
    expect(result?.lines.join('\n')).toContain('`build` is read from a recorded `response`: give one')
  })

  it('shows the build of the shipped github push case', async () => {
    const report = formatCaseResults(await run(SHIPPED_RULES), 'rules/tests')
    expect(report).toContain('    build  github-main-push -> bitrise-ios: https://app.bitrise.io/build/9f8e7d6c5b4a3921 (#42)\n')
  })
})
