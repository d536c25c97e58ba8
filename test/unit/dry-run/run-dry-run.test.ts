import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { dryRunJson, formatDryRun } from '../../../src/dry-run/format-dry-run.ts'
import { buildInboundRequest } from '../../../src/dry-run/inbound-request.ts'
import { runDryRun } from '../../../src/dry-run/run-dry-run.ts'
import { loadRules } from '../../../src/rules/load-rules.ts'
import type { RuleSet } from '../../../src/rules/types.ts'
import { SHIPPED_RULES } from '../rules/helpers.ts'

const SECRETS = {
  BITRISE_TRIGGER_TOKEN: 'bitrise-SECRET-1111',
  GITLAB_TRIGGER_TOKEN: 'gitlab-SECRET-2222',
  BUILDMASTER_API_KEY: 'buildmaster-SECRET-3333',
  TRAVIS_API_TOKEN: 'travis-SECRET-4444',
}
const payload = (name: string) => readFileSync(join(SHIPPED_RULES, 'tests', 'payloads', name))

async function dryRun(ruleSet: RuleSet, sourceName: string, body: Buffer, headers: Record<string, string> = {}, event?: string) {
  const sourceType = ruleSet.sources.get(sourceName)?.type ?? ''
  const request = buildInboundRequest({ sourceType, body, headers, event })
  return runDryRun({ ruleSet, sourceName, request, userAgent: 'hookyard/test' })
}

describe('runDryRun on the shipped rules', async () => {
  const ruleSet = await loadRules(SHIPPED_RULES, { env: SECRETS })

  it('renders every request of a matching GitHub push, secrets masked', async () => {
    const result = await dryRun(ruleSet, 'github', payload('github-push-main.json'), {}, 'push')
    expect(result).toMatchObject({ source: 'github', type: 'github', event: 'push', ping: false, hints: [] })
    expect(result.pushes[0]).toMatchObject({ branch: 'main', repo: 'Codertocat/Hello-World' })
    expect(result.routes.map((r) => [r.route, r.matched, r.deliveries.map((d) => d.target)])).toEqual([
      ['github-main-push', true, ['bitrise-ios']],
      ['github-main-pipeline', true, ['gitlab-pipeline']],
      ['github-pr-build', false, []],
    ])
    const bitrise = result.routes[0]?.deliveries[0]?.request
    expect(bitrise?.url).toBe('https://app.bitrise.io/app/1a2b3c4d5e6f7a8b/build/start.json')
    expect(bitrise?.headers).toMatchObject({ 'User-Agent': 'hookyard/test', 'X-Hookyard-Delivery': 'dry-run-1' })
    expect(JSON.parse(bitrise?.body ?? '')).toMatchObject({ hook_info: { build_trigger_token: '***' }, build_params: { branch: 'main' } })
    const text = JSON.stringify(result)
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret)
    expect(result.routes[1]?.deliveries[0]?.request?.body).toContain('token=***&ref=main')
  })

  it('says which part of `when` was false', async () => {
    const result = await dryRun(ruleSet, 'github', payload('github-push-feature.json'), {}, 'push')
    expect(result.routes.map((r) => r.reason)).toEqual([
      'when is false: push.branch = "main" (push.branch is "feature/readme")',
      'when is false: push.branch = "main" (push.branch is "feature/readme")',
      'when is false: pull_request.action in ["opened", "updated", "reopened"] (pull_request.action is missing)',
    ])
    expect(result.routes.every((r) => !r.matched && r.deliveries.length === 0)).toBe(true)
  })

  it('parses a form-encoded GitHub post exactly as ingress does', async () => {
    const form = Buffer.from(`payload=${encodeURIComponent(payload('github-push-main.json').toString())}`)
    const result = await dryRun(ruleSet, 'github', form, { 'content-type': 'application/x-www-form-urlencoded' }, 'push')
    expect(result.routes.filter((r) => r.matched).map((r) => r.route)).toEqual(['github-main-push', 'github-main-pipeline'])
  })

  it('treats a missing event header as ingress does and hints at --event', async () => {
    const result = await dryRun(ruleSet, 'github', payload('github-push-main.json'))
    expect(result.event).toBe('unknown')
    expect(result.hints[0]).toContain('X-GitHub-Event')
    expect(result.routes[0]?.reason).toBe('when is false: event = "push" (event is "unknown")')
  })

  it('answers a ping like ingress: no routes run', async () => {
    const result = await dryRun(ruleSet, 'github', Buffer.from('{"zen":"hi"}'), {}, 'ping')
    expect(result).toMatchObject({ ping: true, routes: [] })
    expect(formatDryRun(result, { dir: 'rules', version: 'v1' })).toContain('ping event: nothing to trigger')
  })

  it('covers GitLab and ProGet payloads', async () => {
    const gitlab = await dryRun(ruleSet, 'gitlab', payload('gitlab-push-hook.json'), {}, 'Push Hook')
    expect(gitlab.routes[0]?.deliveries[0]?.request?.headers['Authorization']).toBe('token ***')
    const added = await dryRun(ruleSet, 'proget', payload('proget-package-added.json'))
    expect(added.package).toMatchObject({ name: 'Acme.Widgets', version: '2.4.1', event: 'Added' })
    expect(added.routes[0]?.deliveries[0]?.request?.headers['X-ApiKey']).toBe('***')
    const deleted = await dryRun(ruleSet, 'proget', payload('proget-package-deleted.json'))
    expect(deleted.routes[0]?.reason).toBe('when is false: $lowercase(package.event) = "added" (package.event is "Deleted")')
  })

  it('throws for an unknown source and for a body ingress would reject', async () => {
    await expect(dryRun(ruleSet, 'nope', Buffer.from('{}'))).rejects.toMatchObject({ code: 'SOURCE_UNKNOWN' })
    await expect(dryRun(ruleSet, 'github', Buffer.from('not json'), {}, 'push')).rejects.toMatchObject({ code: 'BODY_INVALID' })
  })

  it('shows the pull request view of a pull request event instead of "no push"', async () => {
    const result = await dryRun(ruleSet, 'github', payload('github-pull-request-opened.json'), {}, 'pull_request')
    expect(result.pull_request).toMatchObject({ number: 2, action: 'opened', source: { branch: 'changes' } })
    const text = formatDryRun(result, { dir: 'rules', version: 'abc' })
    expect(text).toContain('pull req  #2 opened (opened), changes -> master, sha ec26c3e57ca3a959ca5aad62de7213c562f8c821 - "Update the README with new information."')
    expect(text).not.toContain('push      none')
    expect(text).toContain('[match] github-pr-build  matched')
    expect(dryRunJson(result, { dir: 'rules', version: 'abc' })['pull_request']).toEqual(result.pull_request)
  })

  it('formats a human report and the --json shape', async () => {
    const result = await dryRun(ruleSet, 'github', payload('github-push-main.json'), {}, 'push')
    const text = formatDryRun(result, { dir: 'rules', version: 'abc' })
    expect(text).toContain('signature not verified (dry run)')
    expect(text).toContain('rules     rules (version abc)')
    expect(text).toContain('[match] github-main-push  matched')
    expect(text).toContain('POST https://gitlab.example.com/api/v4/projects/group%2Fapp/trigger/pipeline')
    expect(text).toContain('variables[UPSTREAM_SHA] = 6113728f27ae82c7b1a177c8d03f9e96e0adf246')
    const json = dryRunJson(result, { dir: 'rules', version: 'abc' })
    expect(json['routes']).toEqual(result.routes)
    expect(Object.keys(result.routes[0] ?? {})).toEqual(['route', 'matched', 'deliveries'])
    expect(Object.keys(result.routes[0]?.deliveries[0]?.request ?? {})).toEqual(['method', 'url', 'headers', 'body'])
  })
})

describe('runDryRun errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookyard-dry-run-'))
  writeFileSync(
    join(dir, 'rules.yaml'),
    `sources:
  in: { type: generic, verify: none }
targets:
  ios: { type: bitrise, app_slug: abc, token: "\${TOKEN}" }
routes:
  - name: broken-when
    source: in
    when: body.count + 1 > 2
    to: ios
  - name: no-branch
    source: in
    to: ios
    map: '{ "commit_hash": body.sha }'
  - name: bad-number
    source: in
    when: $number(body.count) > 2
    to: ios
`
  )
  const ruleSet = await loadRules(dir, { env: { TOKEN: 'tok-SECRET-5555' } })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('reports a JSONata evaluation error with its code and position, and a mapping error per delivery', async () => {
    const result = await dryRun(ruleSet, 'in', Buffer.from('{"count":"many","sha":"tok-SECRET-5555"}'))
    const [broken, noBranch] = result.routes
    expect(broken).toMatchObject({ route: 'broken-when', matched: false, error: { code: 'T2001', position: 12 } })
    expect(noBranch?.matched).toBe(true)
    expect(noBranch?.deliveries[0]).toMatchObject({ target: 'ios', request: null })
    expect(noBranch?.deliveries[0]?.error).toMatch(/route no-branch, target ios: .*branch/)
    const text = formatDryRun(result, { dir, version: 'x' })
    expect(text).toMatch(/\[error\] broken-when {2}error: T2001 at 12: The left side of the "\+" operator/)
    expect(text).toContain('mapping error: route no-branch, target ios:')
    expect(JSON.stringify(result)).not.toContain('tok-SECRET-5555')
  })

  it('names the rule file and line of the route and the JSONata function that failed', async () => {
    const result = await dryRun(ruleSet, 'in', Buffer.from('{"count":"many"}'))
    const failed = result.routes.find((r) => r.route === 'bad-number')
    expect(failed?.reason).toBe(`${join(dir, 'rules.yaml')}:14: route bad-number: $number(): D3030: Unable to cast value to a number: "many"`)
  })
})
