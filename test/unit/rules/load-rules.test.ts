import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Envelope, PackageView, PushView } from '../../../src/envelope.ts'
import { compileExpression } from '../../../src/mapping/compile-expression.ts'
import { checkRules } from '../../../src/rules/check-rules.ts'
import { loadRules } from '../../../src/rules/load-rules.ts'
import type { RuleSet } from '../../../src/rules/types.ts'
import { fixture, SHIPPED_RULES } from './helpers.ts'

const temps: string[] = []
afterAll(() => {
  for (const dir of temps) {
    rmSync(dir, { recursive: true, force: true })
  }
})

describe('the shipped rules/ directory', () => {
  it('loads with the real registries and no environment (placeholder defaults)', async () => {
    const result = await checkRules(SHIPPED_RULES, { env: {} })
    if (!result.ok) {
      throw new Error(result.problems.map((p) => `${p.file}:${p.line}:${p.col} ${p.message}`).join('\n'))
    }
    const rs = result.ruleSet
    expect([...rs.sources.keys()].sort()).toEqual(['bitbucket', 'github', 'github-org', 'gitlab', 'nexus', 'npm', 'proget'])
    expect([...rs.targets.keys()].sort()).toEqual([
      'azure-desktop',
      'bitrise-ios',
      'buildkite-mobile',
      'buildmaster',
      'circleci-api',
      'gitlab-pipeline',
      'jenkins-billing',
      'myget-feed',
      'teamcity-platform',
      'travis',
      'web-workflow',
    ])
    expect(rs.routes.map((r) => r.name)).toEqual([
      'bitbucket-push',
      'billing-on-jenkins',
      'web-on-actions',
      'mobile-on-buildkite',
      'api-on-circleci',
      'desktop-on-azure',
      'platform-on-teamcity',
      'github-main-push',
      'github-main-pipeline',
      'github-pr-build',
      'gitlab-push-travis',
      'npm-publish-build',
      'nexus-component-build',
      'proget-package-added',
    ])
    expect(rs.routesBySource.get('github')?.map((r) => r.name)).toEqual(['github-main-push', 'github-main-pipeline', 'github-pr-build'])
    expect(rs.targets.get('myget-feed')?.cooldownMs).toBe(300_000)
    expect(rs.targets.get('bitrise-ios')?.retry).toEqual({ attempts: 8, backoffMs: 2_000, maxBackoffMs: 600_000 })
    expect(rs.version).toMatch(/^[0-9a-f]{12}$/)
  })

  it('reads secrets and URLs from the environment when it is set', async () => {
    const rs = await loadRules(SHIPPED_RULES, {
      env: { GITHUB_WEBHOOK_SECRET: 'gh-secret', BUILDMASTER_URL: 'http://bm.internal:8622', BUILDMASTER_API_KEY: 'bm-key' },
    })
    expect(rs.sources.get('github')?.secrets).toEqual(['gh-secret'])
    expect(rs.targets.get('buildmaster')?.options).toEqual({ url: 'http://bm.internal:8622', api_key: 'bm-key' })
    expect(rs.secretValues).toEqual(expect.arrayContaining(['gh-secret', 'bm-key', 'change-me']))
  })

  it('maps a push to main onto valid Bitrise and GitLab requests, and a ProGet package onto BuildMaster', async () => {
    const rs = await loadRules(SHIPPED_RULES, { env: {} })
    const push = pushEnvelope('github', 'push', 'main')
    expect(await requestsFor(rs, push)).toEqual([
      { route: 'github-main-push', target: 'bitrise-ios', url: 'https://app.bitrise.io/app/1a2b3c4d5e6f7a8b/build/start.json' },
      { route: 'github-main-pipeline', target: 'gitlab-pipeline', url: 'https://gitlab.example.com/api/v4/projects/group%2Fapp/trigger/pipeline' },
    ])
    expect(await requestsFor(rs, pushEnvelope('github', 'push', 'develop'))).toEqual([])
    expect(await requestsFor(rs, pushEnvelope('gitlab', 'Push Hook', 'main'))).toEqual([
      { route: 'gitlab-push-travis', target: 'travis', url: 'https://api.travis-ci.com/repo/example-org%2Fexample-repo/requests' },
    ])
    expect(await requestsFor(rs, pushEnvelope('bitbucket', 'repo:push', 'main'))).toHaveLength(1)
    const pkg: PackageView = { feed: 'VendorPackages', name: 'TriggerExample', version: '2.14.0', event: 'Added', user: 'alice' }
    const added = { ...pushEnvelope('proget', 'added', 'x'), push: null, package: pkg }
    expect(await requestsFor(rs, added)).toEqual([
      { route: 'proget-package-added', target: 'buildmaster', url: 'http://buildmaster.example.internal/api/releases/builds/create' },
    ])
    const bm = rs.routes.find((r) => r.name === 'proget-package-added')
    expect(await bm?.map?.evaluate(added)).toEqual({ applicationName: 'TriggerExample', releaseNumber: '2.14.0', reason: 'TriggerExample pushed to ProGet' })
  })

  it('_example.yaml is never loaded, but is itself a valid rule file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookyard-example-'))
    temps.push(dir)
    copyFileSync(join(SHIPPED_RULES, '_example.yaml'), join(dir, 'example.yaml'))
    const rs = await loadRules(dir, { env: {} })
    expect([...rs.sources.values()].map((s) => s.type).sort()).toEqual(['bitbucket', 'bitbucket-server', 'docker-hub', 'generic', 'generic', 'generic', 'gitea', 'github', 'gitlab', 'harbor', 'nexus', 'npm', 'proget', 'schedule', 'standard-webhooks'])
    expect([...rs.targets.values()].map((t) => t.type).sort()).toEqual([
      'azure-pipelines',
      'bitrise',
      'buildkite',
      'buildmaster',
      'circleci',
      'github-actions',
      'gitlab',
      'http',
      'http',
      'jenkins',
      'myget',
      'teamcity',
      'travis',
    ])
    expect(rs.sources.get('example-open')).toMatchObject({ secrets: [], options: { verify: 'none' } })
    expect(rs.sources.get('example-gitlab')?.secrets).toEqual(['change-me-old', 'change-me'])
    // the anchored retry policy is reused through an alias
    expect(rs.targets.get('example-travis')?.retry).toEqual({ attempts: 12, backoffMs: 5_000, maxBackoffMs: 1_800_000 })
    expect(rs.targets.get('example-gitlab-pipeline')?.cooldownKey?.text).toBe('push.branch')
    expect(rs.sources.get('example-nightly')?.options).toEqual({ cron: '30 0 * * *', timezone: 'Europe/Berlin', body: { reason: 'nightly' }, misfire: 'latest' })
    expect(rs.secretValues).toContain('Bearer change-me')
    expect(rs.targets.get('example-jenkins-flow')?.flow).toEqual({ concurrency: 2, supersede: true, circuit: { failures: 5, pauseMs: 300_000 } })
    expect([...rs.notifiers.values()].map((n) => [n.name, n.type])).toEqual([
      ['example-ops-chat', 'slack'],
      ['example-pager', 'http'],
    ])
  })
})

describe('loadRules', () => {
  it('expands ${VAR} and ${VAR:-default} in every string value, and $${ stays literal', async () => {
    const rs = await loadRules(fixture('expansion'), {
      env: { GITHUB_WEBHOOK_SECRET: 'gh', HOOK_TOKEN: 'tok', PROGET_TOKEN_NEW: 'rotated' },
    })
    expect(rs.sources.get('github')?.secrets).toEqual(['gh'])
    expect(rs.sources.get('proget')?.secrets).toEqual(['old-token', 'rotated'])
    const hook = rs.targets.get('hook')
    expect(hook?.options).toEqual({ url: 'http://ci.example.internal/hook', method: 'POST', headers: { Authorization: 'Bearer tok' } })
    expect(hook?.cooldownMs).toBe(30_000) // "30s" from the default
    expect(rs.routes[0]?.map?.text).toBe('{ "text": "${NOT_A_VARIABLE}" }')
    expect(rs.secretValues).toEqual(['gh', 'old-token', 'rotated', 'Bearer tok'])
  })

  it('accepts verify: none without a secret and passes it to the source options', async () => {
    const rs = await loadRules(fixture('verify-none'), { env: {} })
    expect(rs.sources.get('open')).toMatchObject({ name: 'open', type: 'generic', secrets: [], options: { verify: 'none' } })
    expect(rs.sources.get('open')?.origin).toEqual({ file: `${fixture('verify-none')}/rules.yaml`, line: 2, col: 3 })
    expect(rs.secretValues).toEqual([])
  })

  it('skips _files and non-rule files; an empty rule directory is an empty rule set', async () => {
    const rs = await loadRules(fixture('only-ignored'), { env: {} })
    expect(rs.sources.size + rs.targets.size + rs.routes.length).toBe(0)
    expect(rs.version).toMatch(/^[0-9a-f]{12}$/)
  })

  it('gives the same version for the same files, whatever the path', async () => {
    const a = await loadRules(fixture('verify-none'), { env: {} })
    const b = await loadRules(`./${fixture('verify-none')}/`, { env: {} })
    expect(a.version).toBe(b.version)
    const c = await loadRules(fixture('expansion'), { env: { GITHUB_WEBHOOK_SECRET: 'x', HOOK_TOKEN: 'y' } })
    expect(c.version).not.toBe(a.version)
  })
})

function pushEnvelope(source: string, event: string, branch: string): Envelope {
  const push: PushView = {
    repo: 'acme/app',
    repo_url: 'https://example.com/acme/app',
    ref: `refs/heads/${branch}`,
    branch,
    tag: null,
    sha: '0123456789abcdef0123456789abcdef01234567',
    before: 'fedcba9876543210fedcba9876543210fedcba98',
    message: 'Fix the build',
    author: 'alice',
    pusher: 'alice',
    created: false,
    deleted: false,
    forced: false,
    commits: [],
  }
  return { source, type: source, event, delivery: 'd1', received_at: '2024-01-01T00:00:00Z', headers: {}, query: {}, body: { ref: push.ref }, push, pull_request: null, package: null }
}

/** What the rule set would send for an envelope: when -> map (or default) -> preset request. */
async function requestsFor(rs: RuleSet, envelope: Envelope): Promise<{ route: string; target: string; url: string }[]> {
  const out: { route: string; target: string; url: string }[] = []
  for (const route of rs.routesBySource.get(envelope.source) ?? []) {
    if (route.when && !(await route.when.evaluate(envelope))) {
      continue
    }
    for (const name of route.to) {
      const target = rs.targets.get(name)
      if (!target) {
        throw new Error(`no target ${name}`)
      }
      const mapped = await (route.map ?? compileExpression(target.preset.defaultMap)).evaluate(envelope)
      out.push({ route: route.name, target: name, url: target.preset.buildRequest(mapped, target.options).url })
    }
  }
  return out
}
