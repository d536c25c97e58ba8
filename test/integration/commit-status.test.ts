import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createDeliveryLog, type DeliveryLog } from '../../src/store/delivery-log.ts'
import { storeKeys } from '../helpers/store-keys.ts'
import { startCaptureServer, type CaptureServer, type CapturedRequest } from '../helpers/capture-server.ts'
import { fixtureText, githubBranchPush } from '../helpers/fixtures.ts'
import { bitbucketHeaders, giteaHeaders, githubHeaders, gitlabHeaders } from '../helpers/sign.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'

const SECRETS = {
  GITHUB_WEBHOOK_SECRET: 'gh-webhook-secret-status',
  GITLAB_WEBHOOK_TOKEN: 'gl-webhook-token-status',
  BITBUCKET_WEBHOOK_SECRET: 'bb-webhook-secret-status',
  GITHUB_STATUS_TOKEN: 'ghp-status-token-0123',
  GITLAB_STATUS_TOKEN: 'glpat-status-token-4567',
  BITBUCKET_APP_PASSWORD: 'bb-app-password-89ab',
  GITEA_WEBHOOK_SECRET: 'gitea-webhook-secret-status',
  GITEA_STATUS_TOKEN: 'gitea-status-token-cdef',
}

const BUILD_URL = 'https://app.bitrise.io/build/abc'
const BITRISE_OK = {
  status: 201,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ status: 'ok', message: 'webhook processed', slug: 'app-slug', service: 'bitrise', build_slug: 'abc', build_number: 7, build_url: BUILD_URL, triggered_workflow: 'primary' }),
}
const FAST_RETRY = 'retry: { attempts: 3, backoff: 100ms, max_backoff: 200ms }'

type Stand = 'bitrise' | 'github' | 'gitlab' | 'bitbucket' | 'gitea'
const STANDS: readonly Stand[] = ['bitrise', 'github', 'gitlab', 'bitbucket', 'gitea']

function rules(urls: Record<Stand, string>): string {
  return `
sources:
  github: { type: github, secret: "\${GITHUB_WEBHOOK_SECRET}" }
  gitlab: { type: gitlab, secret: "\${GITLAB_WEBHOOK_TOKEN}" }
  bitbucket: { type: bitbucket, secret: "\${BITBUCKET_WEBHOOK_SECRET}" }
  gitea: { type: gitea, secret: "\${GITEA_WEBHOOK_SECRET}" }
targets:
  bitrise-app: { type: bitrise, url: "${urls.bitrise}", app_slug: app-slug, token: bitrise-token-0000, retry: { attempts: 2, backoff: 100ms, max_backoff: 100ms }, timeout: 2s }
  bitrise-down: { type: bitrise, url: "http://127.0.0.1:9", app_slug: app-slug, token: bitrise-token-0000, retry: { attempts: 1 }, timeout: 2s }
  bitrise-cooled: { type: bitrise, url: "${urls.bitrise}", app_slug: app-slug, token: bitrise-token-0000, cooldown: 4s }
  gh-status: { type: github-status, url: "${urls.github}", token: "\${GITHUB_STATUS_TOKEN}", context: ci/bitrise, ${FAST_RETRY} }
  gl-status: { type: gitlab-status, url: "${urls.gitlab}", token: "\${GITLAB_STATUS_TOKEN}", ${FAST_RETRY} }
  gitea-status: { type: gitea-status, url: "${urls.gitea}", token: "\${GITEA_STATUS_TOKEN}", ${FAST_RETRY} }
  bb-status: { type: bitbucket-status, url: "${urls.bitbucket}", username: ci-bot, app_password: "\${BITBUCKET_APP_PASSWORD}", ${FAST_RETRY} }
routes:
  - name: github-build
    source: github
    when: event = "push" and push.branch != "cooled" and push.branch != "down"
    to: bitrise-app
    report_to: [gh-status]
  - name: github-down
    source: github
    when: push.branch = "down"
    to: bitrise-down
    report_to: [gh-status]
  - name: github-cooled
    source: github
    when: push.branch = "cooled"
    to: bitrise-cooled
    report_to: [gh-status]
  - name: gitlab-build
    source: gitlab
    to: bitrise-app
    report_to: [gl-status]
  - name: bitbucket-build
    source: bitbucket
    when: push.branch != null
    to: bitrise-app
    report_to: [bb-status]
  - name: gitea-build
    source: gitea
    to: bitrise-app
    report_to: [gitea-status]
`
}

interface Ack {
  deliveries: { id: string; target: string; status: string }[]
}

describe('commit statuses posted back to the host of the commit (report_to)', () => {
  const servers = {} as Record<Stand, CaptureServer>
  let hy: TestHookyard
  let log: DeliveryLog

  beforeAll(async () => {
    for (const name of STANDS) servers[name] = await startCaptureServer()
    servers.github.fallback = { status: 201, headers: { 'content-type': 'application/json' }, body: '{"id":1}' }
    const urls = Object.fromEntries(STANDS.map((name) => [name, servers[name].url])) as Record<Stand, string>
    hy = await startTestHookyard({ rules: { 'status.yaml': rules(urls) }, env: { ...SECRETS, HOOKYARD_PUBLIC_URL: 'https://hookyard.example.com' } })
    log = createDeliveryLog(hy.redis, storeKeys(hy.prefix), 3600_000)
  })
  afterAll(async () => {
    await hy.stop()
    await Promise.all(Object.values(servers).map((s) => s.close()))
  })
  beforeEach(() => {
    for (const s of Object.values(servers)) s.requests.length = 0
    servers.bitrise.fallback = BITRISE_OK
  })

  async function pushToGithub(change: (payload: Record<string, unknown>) => void = () => undefined): Promise<{ ack: Ack; repo: string; sha: string }> {
    const payload = githubBranchPush()
    change(payload)
    const body = JSON.stringify(payload)
    const res = await hy.post('github', body, githubHeaders(SECRETS.GITHUB_WEBHOOK_SECRET, 'push', body))
    expect(res.status).toBe(202)
    const repo = (payload['repository'] as { full_name: string }).full_name
    return { ack: (await res.json()) as Ack, repo, sha: payload['after'] as string }
  }

  async function statuses(server: CaptureServer, count: number): Promise<CapturedRequest[]> {
    await expect.poll(() => server.requests.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(count)
    return server.requests
  }

  const stateOf = (request: CapturedRequest): string => (JSON.parse(request.body) as { state: string }).state
  const trigger3 = (ack: Ack) => ack.deliveries.find((d) => d.target === 'bitrise-cooled')!.id
  const trigger = (ack: Ack) => ack.deliveries.find((d) => d.target === 'bitrise-app')!

  it('GitHub push: pending when queued, then success linking the build, on the configured context', async () => {
    const { ack, repo, sha } = await pushToGithub()
    expect(ack.deliveries.map((d) => d.target)).toEqual(['gh-status', 'bitrise-app'])
    const [pending, success] = await statuses(servers.github, 2)
    for (const request of [pending, success]) {
      expect(request!.method).toBe('POST')
      expect(request!.url).toBe(`/repos/${repo}/statuses/${sha}`)
      expect(request!.headers['authorization']).toBe(`Bearer ${SECRETS.GITHUB_STATUS_TOKEN}`)
      expect(request!.headers['accept']).toBe('application/vnd.github+json')
    }
    const link = `https://hookyard.example.com/ui#/delivery/${encodeURIComponent(trigger(ack).id)}`
    expect(JSON.parse(pending!.body)).toEqual({ state: 'pending', target_url: link, description: 'Queued for bitrise-app', context: 'ci/bitrise' })
    expect(JSON.parse(success!.body)).toEqual({ state: 'success', target_url: BUILD_URL, description: 'Build #7 started on bitrise-app', context: 'ci/bitrise' })
    expect(servers.bitrise.requests).toHaveLength(1)

    // each status is a delivery of the event, in the delivery log like any other
    const event = await log.getEvent((await log.getDelivery(trigger(ack).id))!.event)
    const ids = event!.deliveries.filter((id) => id.includes('-status-'))
    expect(ids).toEqual([`${trigger(ack).id}-status-gh-status-pending`, `${trigger(ack).id}-status-gh-status-success`])
    for (const id of ids) {
      await expect.poll(async () => (await log.getDelivery(id))?.status).toBe('delivered')
      expect((await log.getDelivery(id))!.target).toBe('gh-status')
    }
  })

  it('a trigger that fails for good: failure with the reason, linking the delivery in the dashboard', async () => {
    servers.bitrise.fallback = { status: 500, body: 'oops' }
    const { ack } = await pushToGithub()
    const [pending, failure] = await statuses(servers.github, 2)
    expect(JSON.parse(pending!.body).state).toBe('pending')
    expect(JSON.parse(failure!.body)).toEqual({
      state: 'failure',
      target_url: `https://hookyard.example.com/ui#/delivery/${encodeURIComponent(trigger(ack).id)}`,
      description: 'bitrise-app refused the trigger: HTTP 500',
      context: 'ci/bitrise',
    })
    expect(servers.bitrise.requests).toHaveLength(2)
    expect((await log.getDelivery(trigger(ack).id))!.status).toBe('failed')
  })

  it('a target that cannot be reached: error, saying so', async () => {
    await pushToGithub((p) => {
      p['ref'] = 'refs/heads/down'
    })
    const [pending, error] = await statuses(servers.github, 2)
    expect(JSON.parse(pending!.body)).toMatchObject({ state: 'pending', context: 'ci/bitrise' })
    expect(JSON.parse(error!.body)).toMatchObject({ state: 'error', description: expect.stringMatching(/^bitrise-down not reached: \S/) as unknown, context: 'ci/bitrise' })
  })

  it('a rate-limited status (403 + Retry-After: 1) is retried after the wait and arrives; the trigger goes once, unaffected', async () => {
    servers.github.respondWith({ status: 201, body: '{}' }, { status: 403, headers: { 'retry-after': '1', 'x-ratelimit-remaining': '0' }, body: '{"message":"secondary rate limit"}' })
    const { ack } = await pushToGithub()
    await expect.poll(async () => (await log.getDelivery(trigger(ack).id))?.status, { timeout: 10_000 }).toBe('delivered')
    const requests = await statuses(servers.github, 3)
    expect(requests.map(stateOf)).toEqual(['pending', 'success', 'success'])
    expect(requests[2]!.at - requests[1]!.at).toBeGreaterThanOrEqual(1000)
    const successId = `${trigger(ack).id}-status-gh-status-success`
    await expect.poll(async () => (await log.getDelivery(successId))?.status).toBe('delivered')
    expect((await log.listAttempts(successId)).map((a) => [a.status, a.outcome])).toEqual([
      [403, 'retry'],
      [201, 'delivered'],
    ])
    expect(servers.bitrise.requests).toHaveLength(1)
  })

  it('a pending status still waiting for its retry when the trigger succeeded is dropped: the commit ends on success', async () => {
    servers.github.respondWith({ status: 403, headers: { 'retry-after': '2' }, body: '{"message":"secondary rate limit"}' })
    const { ack } = await pushToGithub()
    const pendingId = `${trigger(ack).id}-status-gh-status-pending`
    await expect.poll(async () => (await log.getDelivery(pendingId))?.status, { timeout: 10_000 }).toBe('superseded')
    expect((await log.getDelivery(pendingId))!.superseded_by).toBe(`${trigger(ack).id}-status-gh-status-success`)
    await new Promise((r) => setTimeout(r, 500))
    expect(servers.github.requests.map(stateOf)).toEqual(['pending', 'success'])
  })

  it('a trigger folded into a newer one by a cooldown: its commit is told which delivery covers it', async () => {
    const shas = ['1111111111111111111111111111111111111111', '2222222222222222222222222222222222222222', '3333333333333333333333333333333333333333']
    const acks: Ack[] = []
    for (const sha of shas) {
      const { ack } = await pushToGithub((p) => {
        p['ref'] = 'refs/heads/cooled'
        p['after'] = sha
      })
      acks.push(ack)
      // the first goes at once and opens the window; sent before it was taken, the second would
      // be the newest of a backlog and go in its place (the first folded into it)
      if (acks.length === 1) await expect.poll(() => servers.bitrise.requests.length, { timeout: 10_000 }).toBe(1)
    }
    const bySha = (sha: string) => servers.github.requests.filter((r) => r.url.endsWith(`/statuses/${sha}`)).map((r) => JSON.parse(r.body) as Record<string, unknown>)
    // the second is folded into the third, which goes when the window ends (long enough for two
    // more requests on a loaded machine)
    await expect.poll(() => bySha(shas[2]!).map((b) => b['state']), { timeout: 15_000 }).toEqual(['pending', 'success'])
    await expect.poll(() => bySha(shas[1]!).length).toBe(2)
    const [queued, coalesced] = bySha(shas[1]!)
    expect(queued).toMatchObject({ state: 'pending', description: 'Queued for bitrise-cooled (4s cooldown: a newer event may take its place)', context: 'ci/bitrise' })
    const into = trigger3(acks[2]!)
    expect(coalesced).toEqual({
      state: 'pending',
      description: `Coalesced: a newer event's trigger of bitrise-cooled (${into}) covers this commit`,
      target_url: `https://hookyard.example.com/ui#/delivery/${encodeURIComponent(into)}`,
      context: 'ci/bitrise',
    })
    expect(bySha(shas[0]!).map((b) => b['state'])).toEqual(['pending', 'success'])
    expect(servers.bitrise.requests).toHaveLength(2)
  })

  it('GitLab push: POST /api/v4/projects/:id/statuses/:sha with PRIVATE-TOKEN, the default context, pending then success', async () => {
    const body = fixtureText('gitlab/push-hook')
    const res = await hy.post('gitlab', body, gitlabHeaders(SECRETS.GITLAB_WEBHOOK_TOKEN, 'Push Hook'))
    expect(res.status).toBe(202)
    const id = trigger((await res.json()) as Ack).id
    const [pending, success] = await statuses(servers.gitlab, 2)
    for (const request of [pending, success]) {
      expect(request!.url).toBe('/api/v4/projects/acme%2Fwidgets/statuses/9f1e3c7a2b8d4e6f0a5c1b7d3e9f2a4c6b8d0e1f')
      expect(request!.headers['private-token']).toBe(SECRETS.GITLAB_STATUS_TOKEN)
    }
    expect(JSON.parse(pending!.body)).toEqual({
      state: 'pending',
      name: 'hookyard/gitlab-build',
      target_url: `https://hookyard.example.com/ui#/delivery/${encodeURIComponent(id)}`,
      description: 'Queued for bitrise-app',
    })
    expect(JSON.parse(success!.body)).toEqual({ state: 'success', name: 'hookyard/gitlab-build', target_url: BUILD_URL, description: 'Build #7 started on bitrise-app' })
  })

  it('GitLab push whose trigger fails: the status goes to failed', async () => {
    servers.bitrise.fallback = { status: 500, body: 'oops' }
    const body = fixtureText('gitlab/push-hook')
    expect((await hy.post('gitlab', body, gitlabHeaders(SECRETS.GITLAB_WEBHOOK_TOKEN, 'Push Hook'))).status).toBe(202)
    const [, failed] = await statuses(servers.gitlab, 2)
    expect(JSON.parse(failed!.body)).toMatchObject({ state: 'failed', description: 'bitrise-app refused the trigger: HTTP 500' })
  })

  it('Bitbucket Cloud push: POST /2.0/repositories/{workspace}/{repo}/commit/{sha}/statuses/build, INPROGRESS then SUCCESSFUL', async () => {
    const body = fixtureText('bitbucket/repo-push')
    const res = await hy.post('bitbucket', body, bitbucketHeaders(SECRETS.BITBUCKET_WEBHOOK_SECRET, 'repo:push', body))
    expect(res.status).toBe(202)
    const id = trigger((await res.json()) as Ack).id
    const [inProgress, successful] = await statuses(servers.bitbucket, 2)
    const sha = 'c3d4e5f60718293a4b5c6d7e8f9012345678901a'
    const basic = Buffer.from(`ci-bot:${SECRETS.BITBUCKET_APP_PASSWORD}`).toString('base64')
    for (const request of [inProgress, successful]) {
      expect(request!.url).toBe(`/2.0/repositories/acme-team/widgets/commit/${sha}/statuses/build`)
      expect(request!.headers['authorization']).toBe(`Basic ${basic}`)
    }
    // before there is a build to link, the url (which Bitbucket requires) is the delivery in the dashboard
    expect(JSON.parse(inProgress!.body)).toEqual({
      key: 'hookyard/bitbucket-build',
      state: 'INPROGRESS',
      url: `https://hookyard.example.com/ui#/delivery/${encodeURIComponent(id)}`,
      name: 'hookyard/bitbucket-build',
      description: 'Queued for bitrise-app',
    })
    expect(JSON.parse(successful!.body)).toEqual({
      key: 'hookyard/bitbucket-build',
      state: 'SUCCESSFUL',
      url: BUILD_URL,
      name: 'hookyard/bitbucket-build',
      description: 'Build #7 started on bitrise-app',
    })
  })

  it('Bitbucket Cloud push whose trigger fails: FAILED with the reason', async () => {
    servers.bitrise.fallback = { status: 500, body: 'oops' }
    const body = fixtureText('bitbucket/repo-push')
    expect((await hy.post('bitbucket', body, bitbucketHeaders(SECRETS.BITBUCKET_WEBHOOK_SECRET, 'repo:push', body))).status).toBe(202)
    const [, failed] = await statuses(servers.bitbucket, 2)
    expect(JSON.parse(failed!.body)).toMatchObject({ state: 'FAILED', description: 'bitrise-app refused the trigger: HTTP 500' })
  })

  it('Gitea push: POST /api/v1/repos/{owner}/{repo}/statuses/{sha} with Authorization: token, pending then success', async () => {
    const body = fixtureText('gitea/push')
    const res = await hy.post('gitea', body, giteaHeaders(SECRETS.GITEA_WEBHOOK_SECRET, 'push', body))
    expect(res.status).toBe(202)
    const [pending, success] = await statuses(servers.gitea, 2)
    for (const request of [pending, success]) {
      expect(request!.url).toBe('/api/v1/repos/acme/widgets/statuses/2b4d6f8a0c2e4b6d8f0a1a3c5e7f9b2d4f6a8c0e')
      expect(request!.headers['authorization']).toBe(`token ${SECRETS.GITEA_STATUS_TOKEN}`)
    }
    expect(JSON.parse(pending!.body)).toMatchObject({ state: 'pending', context: 'hookyard/gitea-build' })
    expect(JSON.parse(success!.body)).toEqual({ state: 'success', target_url: BUILD_URL, description: 'Build #7 started on bitrise-app', context: 'hookyard/gitea-build' })
  })
})
