import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/run-cli.ts'

/** Recognisable secret values: none of them may ever be printed. */
const SECRETS = {
  GITHUB_WEBHOOK_SECRET: 'gh-hook-SECRET-0000',
  BITRISE_TRIGGER_TOKEN: 'bitrise-SECRET-1111',
  GITLAB_TRIGGER_TOKEN: 'gitlab-SECRET-2222',
  BUILDMASTER_API_KEY: 'buildmaster-SECRET-3333',
  TRAVIS_API_TOKEN: 'travis-SECRET-4444',
  PROGET_WEBHOOK_TOKEN: 'proget-SECRET-5555',
}
const PAYLOADS = 'rules/tests/payloads'
const env = { ...SECRETS, RULES_DIR: 'rules' }

function expectNoSecrets(output: string): void {
  for (const secret of Object.values(SECRETS)) expect(output).not.toContain(secret)
  expect(output).toContain('***')
}

const tempDirs: string[] = []
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
})

describe('hookyard test --payload (dry run)', () => {
  it('GitHub push to main: both routes match, every request is rendered with secrets masked', async () => {
    const res = await runCli(['test', '--source', 'github', '--payload', `${PAYLOADS}/github-push-main.json`, '--header', 'X-GitHub-Event: push'], env)
    expect(res.stderr).toBe('')
    expect(res.code).toBe(0)
    expect(res.stdout).toContain('signature not verified (dry run)')
    expect(res.stdout).toMatch(/^source {4}github \(type github\)$/m)
    expect(res.stdout).toMatch(/^event {5}push$/m)
    expect(res.stdout).toMatch(/^push {6}branch main, sha 6113728f27ae82c7b1a177c8d03f9e96e0adf246, repo Codertocat\/Hello-World/m)
    expect(res.stdout).toContain('[match] github-main-push  matched')
    expect(res.stdout).toContain('POST https://app.bitrise.io/app/1a2b3c4d5e6f7a8b/build/start.json')
    expect(res.stdout).toContain('"build_trigger_token": "***"')
    expect(res.stdout).toContain('[match] github-main-pipeline  matched')
    expect(res.stdout).toContain('token = ***')
    expect(res.stdout).toContain('2 of 3 routes matched, 2 deliveries (nothing sent)')
    expectNoSecrets(res.stdout)
  })

  it('GitHub push to another branch: not matched, with the part of `when` that was false', async () => {
    const res = await runCli(['test', '--source', 'github', '--payload', `${PAYLOADS}/github-push-feature.json`, '--event', 'push'], env)
    expect(res.code).toBe(0)
    expect(res.stdout).toContain('[skip]  github-main-push  not matched: when is false: push.branch = "main" (push.branch is "feature/readme")')
    expect(res.stdout).toContain('0 of 3 routes matched, 0 deliveries')
  })

  it('GitHub without an event header: event "unknown" as at ingress, plus a hint', async () => {
    const res = await runCli(['test', '--source', 'github', '--payload', `${PAYLOADS}/github-push-main.json`], env)
    expect(res.code).toBe(0)
    expect(res.stdout).toMatch(/^event {5}unknown$/m)
    expect(res.stdout).toMatch(/^hint: no X-GitHub-Event header.*--event NAME/m)
    expect(res.stdout).toContain('not matched: when is false: event = "push" (event is "unknown")')
  })

  it('GitLab Push Hook: Travis request with the token masked', async () => {
    const res = await runCli(['test', '--source', 'gitlab', '--payload', `${PAYLOADS}/gitlab-push-hook.json`, '--event', 'Push Hook'], env)
    expect(res.code).toBe(0)
    expect(res.stdout).toContain('[match] gitlab-push-travis  matched')
    expect(res.stdout).toContain('POST https://api.travis-ci.com/repo/example-org%2Fexample-repo/requests')
    expect(res.stdout).toContain('Authorization: token ***')
    expect(res.stdout).toContain('"branch": "main"')
    expectNoSecrets(res.stdout)
  })

  it('ProGet: added builds in BuildMaster, deleted is skipped with the reason', async () => {
    const [added, deleted] = await Promise.all([
      runCli(['test', '--source', 'proget', '--payload', `${PAYLOADS}/proget-package-added.json`], env),
      runCli(['test', '--source', 'proget', '--payload', `${PAYLOADS}/proget-package-deleted.json`], env),
    ])
    expect(added.code).toBe(0)
    expect(added.stdout).toMatch(/^package {3}name Acme\.Widgets, version 2\.4\.1, event Added, feed VendorPackages, user build-agent$/m)
    expect(added.stdout).toContain('POST http://buildmaster.example.internal/api/releases/builds/create')
    expect(added.stdout).toContain('X-ApiKey: ***')
    expect(added.stdout).toContain('"releaseNumber": "2.4.1"')
    expectNoSecrets(added.stdout)
    expect(deleted.code).toBe(0)
    expect(deleted.stdout).toContain('[skip]  proget-package-added  not matched: when is false: $lowercase(package.event) = "added" (package.event is "Deleted")')
  })

  it('--json prints { routes: [{ route, matched, deliveries: [{ target, request }] }] }, secrets masked', async () => {
    const res = await runCli(['test', '--source', 'github', '--payload', `${PAYLOADS}/github-push-main.json`, '--event', 'push', '--json'], env)
    expect(res.code).toBe(0)
    expectNoSecrets(res.stdout)
    const out = JSON.parse(res.stdout)
    expect(out).toMatchObject({ event: 'push', source: 'github', signature_verified: false })
    expect(out.routes).toHaveLength(3)
    expect(out.routes[2]).toMatchObject({ route: 'github-pr-build', matched: false, deliveries: [] })
    const [first] = out.routes
    expect(first).toEqual({ route: 'github-main-push', matched: true, deliveries: [{ target: 'bitrise-ios', request: expect.any(Object) }] })
    expect(Object.keys(first.deliveries[0].request)).toEqual(['method', 'url', 'headers', 'body'])
    expect(first.deliveries[0].request.method).toBe('POST')
    expect(JSON.parse(first.deliveries[0].request.body).hook_info.build_trigger_token).toBe('***')
    const skipped = JSON.parse((await runCli(['test', '--source', 'proget', '--payload', `${PAYLOADS}/proget-package-deleted.json`, '--json'], env)).stdout)
    expect(skipped.routes[0]).toEqual({ route: 'proget-package-added', matched: false, reason: expect.stringContaining('package.event is "Deleted"'), deliveries: [] })
  })

  it('exits 2 on usage errors and 1 on an unknown source, a bad payload or broken rules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookyard-test-cmd-'))
    tempDirs.push(dir)
    writeFileSync(join(dir, 'r.yaml'), 'sources:\n  gh: { type: githubb, secret: x }\n')
    const main = `${PAYLOADS}/github-push-main.json`
    const [noSource, badHeader, unknown, missing, broken] = await Promise.all([
      runCli(['test', '--payload', main], env),
      runCli(['test', '--source', 'github', '--payload', main, '--header', 'nocolon'], env),
      runCli(['test', '--source', 'nope', '--payload', main], env),
      runCli(['test', '--source', 'github', '--payload', 'no-such-payload.json'], env),
      runCli(['test', '--rules', dir, '--source', 'gh', '--payload', main], env),
    ])
    expect([noSource.code, badHeader.code, unknown.code, missing.code, broken.code]).toEqual([2, 2, 1, 1, 1])
    expect(unknown.stderr).toContain('no source named "nope"')
    expect(missing.stderr).toContain('cannot read payload no-such-payload.json')
    expect(broken.stderr).toMatch(/r\.yaml:2:\d+ .*githubb/)
  })
})

describe('hookyard test (rule regression cases)', () => {
  it('runs every shipped case and exits 0', async () => {
    const res = await runCli(['test'], { RULES_DIR: 'rules' })
    expect(res.stderr).toBe('')
    expect(res.code).toBe(0)
    expect(res.stdout).not.toContain('FAIL')
    expect(res.stdout).toMatch(/\n(\d+) passed, 0 failed\n$/)
    expect(Number(/(\d+) passed/.exec(res.stdout)?.[1])).toBeGreaterThanOrEqual(7)
  })

  it('takes the rules directory as its argument, like check; two directories are refused', async () => {
    const res = await runCli(['test', 'rules'], { RULES_DIR: '/nonexistent' })
    expect(res.code).toBe(0)
    expect(res.stdout).toMatch(/\n\d+ passed, 0 failed\n$/)
    for (const args of [['test', 'rules', 'more'], ['test', 'rules', '--rules', 'rules']]) {
      const refused = await runCli(args, {})
      expect(refused.code).toBe(2)
      expect(refused.stderr).toContain('hookyard test: unexpected argument')
    }
  })

  it('a case that no longer matches makes it exit 1 with a diff of both values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookyard-test-cmd-'))
    tempDirs.push(dir)
    cpSync('rules', dir, { recursive: true })
    const file = join(dir, 'tests', 'github-push-main.yaml')
    writeFileSync(file, readFileSync(file, 'utf8').replace('branch: main', 'branch: develop'))
    const res = await runCli(['test', '--rules', dir], {})
    expect(res.code).toBe(1)
    expect(res.stdout).toContain('FAIL github push to main')
    expect(res.stdout).toContain('- body.build_params.branch: "develop"')
    expect(res.stdout).toContain('+ body.build_params.branch: "main"')
    expect(res.stdout).toMatch(/\d+ passed, 1 failed\n$/)
  })

  it('says so and exits 1 when there are no cases (a wrong path in CI must not pass)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookyard-test-cmd-'))
    tempDirs.push(dir)
    const res = await runCli(['test', '--rules', dir], {})
    expect(res.code).toBe(1)
    expect(res.stdout).toBe(`no test cases found in ${join(dir, 'tests')}\n`)
  })
})
