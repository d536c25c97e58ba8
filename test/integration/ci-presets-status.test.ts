import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createDeliveryLog, type DeliveryLog } from '../../src/store/delivery-log.ts'
import { storeKeys } from '../helpers/store-keys.ts'
import type { AttemptRecord } from '../../src/store/records.ts'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'

const TOKEN = 'generic-token-ci-status'
const NAMES = ['jenkins', 'github-actions', 'buildkite', 'circleci', 'azure-pipelines', 'teamcity'] as const
type Name = (typeof NAMES)[number]

/** Each preset's options as a YAML flow mapping, pointed at its stand-in. */
const OPTIONS: Record<Name, (url: string) => string> = {
  jenkins: (url) => `type: jenkins, url: "${url}", job: team/app, user: ci-bot, api_token: jenkins-api-token-0`,
  'github-actions': (url) => `type: github-actions, url: "${url}", repo: acme/app, token: gh-token-0000, workflow: ci.yml`,
  buildkite: (url) => `type: buildkite, url: "${url}", org: acme, pipeline: app, token: bk-token-0000`,
  circleci: (url) => `type: circleci, url: "${url}", project: gh/acme/app, token: cci-token-0000`,
  'azure-pipelines': (url) => `type: azure-pipelines, url: "${url}", org: acme, project: app, pipeline: 12, token: azdo-pat-0000`,
  teamcity: (url) => `type: teamcity, url: "${url}", token: tc-token-0000, build_type: App_Build`,
}

/** One route per preset, chosen by `body.to`; explicit maps, as a generic event has no push view. */
function rules(urls: Record<string, string>): string {
  const targets = NAMES.map((name) => `  ${name}: { ${OPTIONS[name](urls[name]!)}, retry: { attempts: 3, backoff: 100ms, max_backoff: 200ms }, timeout: 2s }`)
  const routes = NAMES.map((name) => `  - { name: to-${name}, source: app, when: 'body.to = "${name}"', to: ${name}, map: '${MAPS[name]}' }`)
  return ['sources:', '  app: { type: generic, secret: "${APP_TOKEN}" }', 'targets:', ...targets, 'routes:', ...routes].join('\n')
}

const MAPS: Record<Name, string> = {
  jenkins: '{ "parameters": { "N": body.n } }',
  'github-actions': '{ "ref": "main" }',
  buildkite: '{ "commit": "HEAD", "branch": "main" }',
  circleci: '{ "branch": "main" }',
  'azure-pipelines': '{ "ref": "main" }',
  teamcity: '{ "branch": "main" }',
}

describe('CI preset answers, as each API documents them (delivery status and attempt record)', () => {
  const servers = {} as Record<Name, CaptureServer>
  let hy: TestHookyard
  let log: DeliveryLog

  beforeAll(async () => {
    for (const name of NAMES) servers[name] = await startCaptureServer()
    const urls = Object.fromEntries(Object.entries(servers).map(([k, s]) => [k, s.url]))
    hy = await startTestHookyard({ rules: { 'ci.yaml': rules(urls) }, env: { APP_TOKEN: TOKEN } })
    log = createDeliveryLog(hy.redis, storeKeys(hy.prefix), 3600_000)
  })
  afterAll(async () => {
    await hy.stop()
    await Promise.all(Object.values(servers).map((s) => s.close()))
  })
  beforeEach(() => {
    for (const s of Object.values(servers)) s.requests.length = 0
  })

  let n = 0
  async function deliver(to: Name): Promise<{ status: string; attempts: AttemptRecord[] }> {
    n += 1
    const res = await hy.post('app', JSON.stringify({ to, n }), { 'content-type': 'application/json', 'x-hookyard-token': TOKEN })
    expect(res.status).toBe(202)
    const { deliveries } = (await res.json()) as { deliveries: { id: string; target: string }[] }
    expect(deliveries.map((d) => d.target)).toEqual([to])
    const id = deliveries[0]!.id
    await expect.poll(async () => (await log.getDelivery(id))?.status, { timeout: 15_000 }).toMatch(/^(delivered|failed)$/)
    return { status: (await log.getDelivery(id))!.status, attempts: await log.listAttempts(id) }
  }

  describe('success', () => {
    it('Jenkins 201 with the queue item in Location: delivered, Location kept', async () => {
      const location = `${servers.jenkins.url}/queue/item/42/`
      servers.jenkins.respondWith({ status: 201, headers: { location } })
      const { status, attempts } = await deliver('jenkins')
      expect(status).toBe('delivered')
      expect(attempts.map((a) => [a.status, a.outcome])).toEqual([[201, 'delivered']])
      expect(attempts[0]!.response_headers['location']).toBe(location)
    })

    it('Buildkite 201 with the build: delivered, web_url kept in the excerpt', async () => {
      const build = { id: 'f62a1b4d-10f9-4790-bc1c-e2c3a0c80983', url: 'https://api.buildkite.com/v2/organizations/acme/pipelines/app/builds/7', web_url: 'https://buildkite.com/acme/app/builds/7', number: 7, state: 'scheduled' }
      servers.buildkite.respondWith({ status: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify(build) })
      const { status, attempts } = await deliver('buildkite')
      expect([status, attempts.length, attempts[0]!.status]).toEqual(['delivered', 1, 201])
      expect(attempts[0]!.response_excerpt).toContain('"web_url":"https://buildkite.com/acme/app/builds/7"')
    })

    it('CircleCI 201 with the pipeline: delivered', async () => {
      const pipeline = { id: '5034460f-c7c4-4c43-9457-de07e2029e7b', state: 'pending', number: 42, created_at: '2026-01-02T03:04:05Z' }
      servers.circleci.respondWith({ status: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify(pipeline) })
      const { status, attempts } = await deliver('circleci')
      expect([status, attempts.length, attempts[0]!.status]).toEqual(['delivered', 1, 201])
      expect(attempts[0]!.response_excerpt).toContain('"number":42')
    })

    it('GitHub 204 No Content: delivered', async () => {
      servers['github-actions'].respondWith({ status: 204 })
      const { status, attempts } = await deliver('github-actions')
      expect(attempts.map((a) => [a.status, a.outcome, a.response_excerpt])).toEqual([[204, 'delivered', '']])
      expect(status).toBe('delivered')
    })

    it('Azure 200 with the run: delivered, the run link kept in the excerpt', async () => {
      const run = { _links: { web: { href: 'https://dev.azure.com/acme/app/_build/results?buildId=345' } }, state: 'inProgress', id: 345 }
      servers['azure-pipelines'].respondWith({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(run) })
      const { status, attempts } = await deliver('azure-pipelines')
      expect([status, attempts.length, attempts[0]!.status]).toEqual(['delivered', 1, 200])
      expect(attempts[0]!.response_excerpt).toContain('https://dev.azure.com/acme/app/_build/results?buildId=345')
    })

    it('TeamCity 200 with the queued build: delivered, webUrl kept in the excerpt', async () => {
      const queued = { id: 101, buildTypeId: 'App_Build', state: 'queued', webUrl: 'https://teamcity.example.com/viewQueued.html?itemId=101' }
      servers.teamcity.respondWith({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(queued) })
      const { status, attempts } = await deliver('teamcity')
      expect([status, attempts.length, attempts[0]!.status]).toEqual(['delivered', 1, 200])
      expect(attempts[0]!.response_excerpt).toContain('viewQueued.html?itemId=101')
    })
  })

  describe('permanent: 401, 403, 404 fail at once with the vendor message in the excerpt', () => {
    it.each([
      ['github-actions', 401, '{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"}', 'Bad credentials'],
      ['jenkins', 403, '<html><body><h2>HTTP ERROR 403 ci-bot is missing the Job/Build permission</h2></body></html>', 'ci-bot is missing the Job/Build permission'],
      ['azure-pipelines', 404, '{"$id":"1","message":"The pipeline 12 could not be found.","typeKey":"PipelineNotFoundException"}', 'The pipeline 12 could not be found.'],
      ['teamcity', 404, 'Responding with error, status code: 404 (Not Found).\nDetails: jetbrains.buildServer.server.rest.errors.NotFoundException: No build type nor template is found by id \'App_Build\'.', "No build type nor template is found by id 'App_Build'"],
      ['circleci', 404, '{"message":"Project not found"}', 'Project not found'],
      ['buildkite', 401, '{"message":"Authentication required. Please supply a valid API Access Token: https://buildkite.com/docs/apis/rest-api#authentication"}', 'Authentication required'],
    ] as const)('%s %i', async (name, code, body, message) => {
      servers[name].respondWith({ status: code, body })
      const { status, attempts } = await deliver(name)
      expect(status).toBe('failed')
      expect(attempts.map((a) => [a.status, a.outcome, a.reason])).toEqual([[code, 'failed', `HTTP ${code}`]])
      expect(attempts[0]!.response_excerpt).toContain(message)
      expect(servers[name].requests).toHaveLength(1)
    })
  })

  describe('retried: 429, 5xx and a rate-limited 403 after their Retry-After', () => {
    it.each([
      ['circleci', 429, 201],
      ['buildkite', 502, 201],
      ['teamcity', 503, 200],
      ['github-actions', 500, 204],
      ['github-actions', 403, 204], // GitHub's secondary rate limit: a 403 with retry-after
    ] as const)('%s %i then %i', async (name, first, then) => {
      servers[name].respondWith({ status: first, headers: { 'retry-after': '1' }, body: 'slow down' }, { status: then })
      const { status, attempts } = await deliver(name)
      expect(status).toBe('delivered')
      expect(attempts.map((a) => [a.status, a.outcome])).toEqual([
        [first, 'retry'],
        [then, 'delivered'],
      ])
      const [a, b] = servers[name].requests
      expect(b!.at - a!.at).toBeGreaterThanOrEqual(950)
      expect(b!.body).toBe(a!.body)
    })
  })
})
