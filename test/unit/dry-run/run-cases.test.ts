import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { listCaseFiles, readCase } from '../../../src/dry-run/case-file.ts'
import { formatCaseResults, runCases } from '../../../src/dry-run/run-cases.ts'
import { SHIPPED_RULES } from '../rules/helpers.ts'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A copy of the shipped rules and cases that a test may edit. */
function rulesCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hookyard-cases-'))
  dirs.push(dir)
  cpSync(SHIPPED_RULES, dir, { recursive: true })
  return dir
}

const run = (rulesDir: string) => runCases({ rulesDir, casesDir: join(rulesDir, 'tests'), userAgent: 'hookyard/test' })

describe('case env', () => {
  it('falls back to each ${VAR:-default} for variables the case does not set, and masks a short secret from its env', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookyard-case-env-'))
    dirs.push(dir)
    writeFileSync(
      join(dir, 'r.yaml'),
      [
        'sources:',
        '  in: { type: generic, verify: none }',
        'targets:',
        '  ci: { type: bitrise, url: "${BITRISE_URL:-http://bitrise.example}", app_slug: app1, token: "${BITRISE_TOKEN}" }',
        'routes:',
        '  - { name: r, source: in, to: ci, map: \'{ "branch": "main", "commit_hash": body.sha }\' }',
        '',
      ].join('\n')
    )
    mkdirSync(join(dir, 'tests'))
    writeFileSync(
      join(dir, 'tests', 'c.yaml'),
      [
        'source: in',
        'body: { sha: abc }',
        'env: { BITRISE_TOKEN: t1 }',
        'expect:',
        '  - route: r',
        '    target: ci',
        '    request: { url: "http://bitrise.example/app/app1/build/start.json", body: { hook_info: { build_trigger_token: "***" } } }',
        '',
      ].join('\n')
    )
    const results = await run(dir)
    expect(results).toEqual([expect.objectContaining({ name: 'c', passed: true })])
  })
})

describe('case files', () => {
  it('lists case files in name order, skipping _drafts, dotfiles and subdirectories', async () => {
    const dir = rulesCopy()
    writeFileSync(join(dir, 'tests', '_draft.yaml'), 'x')
    writeFileSync(join(dir, 'tests', '.hidden.yaml'), 'x')
    const files = await listCaseFiles(join(dir, 'tests'))
    expect(files.map((f) => f.slice(dir.length + 7))).toEqual([
      'bitbucket-push.yaml',
      'ci-azure-pipelines-tag.yaml',
      'ci-buildkite-push.yaml',
      'ci-circleci-push.yaml',
      'ci-github-actions-push.yaml',
      'ci-jenkins-push.yaml',
      'ci-teamcity-push.yaml',
      'github-ping.yaml',
      'github-pull-request-opened.yaml',
      'github-push-feature.yaml',
      'github-push-main.yaml',
      'gitlab-push.yaml',
      'nexus-component-created.yaml',
      'npm-package-publish.yaml',
      'proget-package-added.yaml',
      'proget-package-deleted.yaml',
    ])
    expect(await listCaseFiles(join(dir, 'nope'))).toEqual([])
  })

  it('reads payload paths relative to the case file, inline bodies and scalar headers', async () => {
    const dir = rulesCopy()
    const main = await readCase(join(dir, 'tests', 'github-push-main.yaml'))
    expect(main.ok && main.testCase.body.equals(readFileSync(join(dir, 'tests', 'payloads', 'github-push-main.json')))).toBe(true)
    const file = join(dir, 'tests', 'inline.yaml')
    writeFileSync(file, 'source: proget\nbody: { package: A, version: 1 }\nheaders: { X-Num: 3 }\nexpect: none\n')
    const inline = await readCase(file)
    expect(inline).toMatchObject({ ok: true, testCase: { name: 'inline', headers: { 'X-Num': '3' }, expect: [] } })
    expect(inline.ok && inline.testCase.body.toString()).toBe('{"package":"A","version":1}')
    writeFileSync(file, 'source: generic\nbody: "raw text"\nexpect: none\n')
    const raw = await readCase(file)
    expect(raw.ok && raw.testCase.body.toString()).toBe('raw text')
  })

  it('turns every problem into a message', async () => {
    const dir = rulesCopy()
    const file = join(dir, 'tests', 'bad.yaml')
    const messageOf = async (text: string) => {
      writeFileSync(file, text)
      const load = await readCase(file)
      return load.ok ? null : load.message
    }
    expect(await messageOf('source: github\nexpect: none\n')).toBe('(case): give exactly one of payload and body')
    expect(await messageOf('source: github\nbody: {}\nexpect: nothing\n')).toMatch(/^expect: must be `none` or a list/)
    expect(await messageOf('source: github\nbody: {}\nexpect: [{ route: r, target: t, reqest: {} }]\n')).toMatch(/reqest/)
    expect(await messageOf('source: github\npayload: missing.json\nexpect: none\n')).toMatch(/^cannot read payload missing\.json/)
    expect(await messageOf('source: [\n')).toMatch(/^cannot read case file: .*line 2/)
  })
})

describe('runCases', () => {
  it('passes every shipped case', async () => {
    const results = await run(SHIPPED_RULES)
    expect(results.filter((r) => !r.passed)).toEqual([])
    expect(results).toHaveLength(16)
    expect(formatCaseResults(results, 'rules/tests')).toMatch(/^PASS .*\n[\s\S]*\n\n16 passed, 0 failed\n$/)
  })

  it('fails a case that no longer matches, with a diff naming both values', async () => {
    const dir = rulesCopy()
    const file = join(dir, 'tests', 'github-push-main.yaml')
    writeFileSync(file, readFileSync(file, 'utf8').replace('branch: main', 'branch: develop'))
    const results = await run(dir)
    const failed = results.filter((r) => !r.passed)
    expect(failed.map((r) => r.name)).toEqual(['github push to main triggers the Bitrise build and the GitLab pipeline'])
    expect(failed[0]?.lines).toEqual([
      '  delivery github-main-push -> bitrise-ios:',
      '    - body.build_params.branch: "develop"',
      '    + body.build_params.branch: "main"',
    ])
    const report = formatCaseResults(results, join(dir, 'tests'))
    expect(report).toContain('FAIL github push to main')
    expect(report.trimEnd().split('\n').at(-1)).toBe('15 passed, 1 failed')
  })

  it('fails when a rule change stops a delivery, showing why the route did not match', async () => {
    const dir = rulesCopy()
    const rules = join(dir, 'github.yaml')
    writeFileSync(rules, readFileSync(rules, 'utf8').replace('when: event = "push" and push.branch = "main"\n    to: gitlab-pipeline', 'when: event = "push" and push.branch = "release"\n    to: gitlab-pipeline'))
    const failed = (await run(dir)).filter((r) => !r.passed)
    expect(failed[0]?.lines).toEqual([
      '- delivery github-main-pipeline -> gitlab-pipeline (missing: route github-main-pipeline not matched: when is false: push.branch = "release" (push.branch is "main"))',
    ])
  })

  it('loads the rules with the case env only and reports unknown sources and rules that do not load', async () => {
    const dir = rulesCopy()
    mkdirSync(join(dir, 'only'))
    writeFileSync(join(dir, 'only', 'r.yaml'), 'sources:\n  s: { type: generic, secret: "${NEEDED}" }\n')
    mkdirSync(join(dir, 'only', 'tests'))
    writeFileSync(join(dir, 'only', 'tests', 'a.yaml'), 'source: s\nbody: {}\nexpect: none\n')
    writeFileSync(join(dir, 'only', 'tests', 'b.yaml'), 'source: s\nbody: {}\nenv: { NEEDED: x }\nexpect: none\n')
    writeFileSync(join(dir, 'only', 'tests', 'c.yaml'), 'source: t\nbody: {}\nenv: { NEEDED: x }\nexpect: none\n')
    const results = await run(join(dir, 'only'))
    expect(results.map((r) => r.passed)).toEqual([false, true, false])
    expect(results[0]?.lines[0]).toBe("the rules do not load with this case's env:")
    expect(results[0]?.lines[1]).toMatch(/r\.yaml:2:\d+ .*NEEDED/)
    expect(results[2]?.lines).toEqual(['no source named "t" in the rules'])
  })

  it('reports an empty case directory', () => {
    expect(formatCaseResults([], 'rules/tests')).toBe('no test cases found in rules/tests\n')
  })
})
