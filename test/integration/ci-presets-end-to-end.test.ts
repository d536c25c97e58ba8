import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCaptureServer, type CaptureServer, type CapturedRequest } from '../helpers/capture-server.ts'
import { githubBranchPush } from '../helpers/fixtures.ts'
import { githubHeaders } from '../helpers/sign.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'

const SECRETS = {
  GITHUB_WEBHOOK_SECRET: 'gh-secret-ci-presets-1',
  JENKINS_API_TOKEN: '11aa22bb33cc44dd55ee66ff77aa88bb99',
  GITHUB_ACTIONS_TOKEN: 'github_pat_11AAAAAAA0ci-presets',
  BUILDKITE_API_TOKEN: 'bkua_ci-presets-0123456789abcdef',
  CIRCLECI_TOKEN: 'CCIPAT_ci-presets_0123456789',
  AZURE_DEVOPS_PAT: 'azdo-pat-ci-presets-0123456789abcdefghij',
  TEAMCITY_TOKEN: 'eyJ0eXAiOiAiVENWMiJ9.ci-presets',
}

const SHA = '6113728f27ae82c7b1a177c8d03f9e96e0adf246'
const NAMES = ['jenkins', 'github-actions', 'github-dispatch', 'buildkite', 'circleci', 'azure-pipelines', 'teamcity'] as const

/** Every preset at a recording stand-in, reached from one route without a `map`. */
function rules(urls: Record<string, string>): string {
  return `
sources:
  github:
    type: github
    secret: \${GITHUB_WEBHOOK_SECRET}
targets:
  jenkins:
    type: jenkins
    url: ${urls['jenkins']}
    job: team/app
    user: ci-bot
    api_token: \${JENKINS_API_TOKEN}
  github-actions:
    type: github-actions
    url: ${urls['github-actions']}
    repo: acme/app
    token: \${GITHUB_ACTIONS_TOKEN}
    workflow: ci.yml
  github-dispatch:
    type: github-actions
    url: ${urls['github-dispatch']}
    repo: acme/app
    token: \${GITHUB_ACTIONS_TOKEN}
  buildkite:
    type: buildkite
    url: ${urls['buildkite']}
    org: acme
    pipeline: app
    token: \${BUILDKITE_API_TOKEN}
  circleci:
    type: circleci
    url: ${urls['circleci']}
    project: gh/acme/app
    token: \${CIRCLECI_TOKEN}
  azure-pipelines:
    type: azure-pipelines
    url: ${urls['azure-pipelines']}
    org: acme
    project: app
    pipeline: 12
    token: \${AZURE_DEVOPS_PAT}
  teamcity:
    type: teamcity
    url: ${urls['teamcity']}
    token: \${TEAMCITY_TOKEN}
    build_type: App_Build
routes:
  - name: every-ci
    source: github
    when: event = "push"
    to: [${NAMES.join(', ')}]
`
}

describe('end to end: a signed GitHub push reaches every CI preset through its default map', () => {
  const servers: Record<string, CaptureServer> = {}
  let hy: TestHookyard
  let deliveryIds: Record<string, string>

  beforeAll(async () => {
    for (const name of NAMES) {
      servers[name] = await startCaptureServer()
    }
    const urls = Object.fromEntries(Object.entries(servers).map(([k, s]) => [k, s.url]))
    hy = await startTestHookyard({ rules: { 'ci.yaml': rules(urls) }, env: SECRETS })

    const body = JSON.stringify(githubBranchPush())
    const res = await hy.post('github', body, githubHeaders(SECRETS.GITHUB_WEBHOOK_SECRET, 'push', body))
    expect(res.status).toBe(202)
    const ack = (await res.json()) as { deliveries: { id: string; target: string }[] }
    expect(ack.deliveries.map((d) => d.target)).toEqual([...NAMES])
    deliveryIds = Object.fromEntries(ack.deliveries.map((d) => [d.target, d.id]))
  })
  afterAll(async () => {
    await hy.stop()
    await Promise.all(Object.values(servers).map((s) => s.close()))
  })

  async function received(name: (typeof NAMES)[number]): Promise<CapturedRequest> {
    const server = servers[name]!
    await expect.poll(() => server.requests.length, { timeout: 10_000 }).toBe(1)
    const request = server.requests[0]!
    expect(request.headers['user-agent']).toBe('hookyard/0.0.0-test')
    expect(request.headers['x-hookyard-delivery']).toBe(deliveryIds[name])
    expect(request.headers['x-github-event']).toBeUndefined()
    return request
  }

  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

  it('Jenkins: POST /job/team/job/app/buildWithParameters, API-token Basic auth, form parameters', async () => {
    const r = await received('jenkins')
    expect([r.method, r.url]).toEqual(['POST', '/job/team/job/app/buildWithParameters'])
    expect(r.headers['authorization']).toBe(basic('ci-bot', SECRETS.JENKINS_API_TOKEN))
    expect(r.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(Object.fromEntries(new URLSearchParams(r.body))).toEqual({ BRANCH: 'master', COMMIT: SHA, REPO: 'Codertocat/Hello-World' })
  })

  it('GitHub Actions (workflow): POST /repos/acme/app/actions/workflows/ci.yml/dispatches {"ref":"master"}', async () => {
    const r = await received('github-actions')
    expect([r.method, r.url]).toEqual(['POST', '/repos/acme/app/actions/workflows/ci.yml/dispatches'])
    expect(r.headers['accept']).toBe('application/vnd.github+json')
    expect(r.headers['x-github-api-version']).toBe('2022-11-28')
    expect(r.headers['authorization']).toBe(`Bearer ${SECRETS.GITHUB_ACTIONS_TOKEN}`)
    expect(r.body).toBe('{"ref":"master"}')
  })

  it('GitHub Actions (repository_dispatch): POST /repos/acme/app/dispatches with hookyard.push', async () => {
    const r = await received('github-dispatch')
    expect([r.method, r.url]).toEqual(['POST', '/repos/acme/app/dispatches'])
    expect(r.headers['accept']).toBe('application/vnd.github+json')
    expect(r.headers['x-github-api-version']).toBe('2022-11-28')
    expect(JSON.parse(r.body)).toEqual({
      event_type: 'hookyard.push',
      client_payload: { repo: 'Codertocat/Hello-World', ref: 'refs/heads/master', branch: 'master', sha: SHA },
    })
  })

  it('Buildkite: POST /v2/organizations/acme/pipelines/app/builds with branch and the push sha', async () => {
    const r = await received('buildkite')
    expect([r.method, r.url]).toEqual(['POST', '/v2/organizations/acme/pipelines/app/builds'])
    expect(r.headers['authorization']).toBe(`Bearer ${SECRETS.BUILDKITE_API_TOKEN}`)
    expect(JSON.parse(r.body)).toEqual({ commit: SHA, branch: 'master', message: 'Initial commit', author: { name: 'Codertocat' } })
  })

  it('CircleCI: POST /api/v2/project/gh/acme/app/pipeline with Circle-Token and branch', async () => {
    const r = await received('circleci')
    expect([r.method, r.url]).toEqual(['POST', '/api/v2/project/gh/acme/app/pipeline'])
    expect(r.headers['circle-token']).toBe(SECRETS.CIRCLECI_TOKEN)
    expect(JSON.parse(r.body)).toEqual({ branch: 'master' })
  })

  it('Azure Pipelines: POST /acme/app/_apis/pipelines/12/runs?api-version=7.1 with refName refs/heads/master', async () => {
    const r = await received('azure-pipelines')
    expect([r.method, r.url]).toEqual(['POST', '/acme/app/_apis/pipelines/12/runs?api-version=7.1'])
    expect(r.headers['authorization']).toBe(basic('', SECRETS.AZURE_DEVOPS_PAT))
    expect(JSON.parse(r.body)).toEqual({ resources: { repositories: { self: { refName: 'refs/heads/master' } } } })
  })

  it('TeamCity: POST /app/rest/buildQueue with buildType.id and branchName', async () => {
    const r = await received('teamcity')
    expect([r.method, r.url]).toEqual(['POST', '/app/rest/buildQueue'])
    expect(r.headers['authorization']).toBe(`Bearer ${SECRETS.TEAMCITY_TOKEN}`)
    expect(r.headers['accept']).toBe('application/json')
    expect(JSON.parse(r.body)).toEqual({ buildType: { id: 'App_Build' }, branchName: 'master', comment: { text: 'Initial commit' } })
  })

  it('never writes a secret, nor a Basic credential made from one, to the log', async () => {
    for (const name of NAMES) await received(name)
    const all = hy.logs.join('\n')
    expect(all).toContain('delivery attempt')
    const leaks = [...Object.values(SECRETS), basic('ci-bot', SECRETS.JENKINS_API_TOKEN).slice(6), basic('', SECRETS.AZURE_DEVOPS_PAT).slice(6)]
    for (const secret of leaks) expect(all.includes(secret), `${secret} leaked into the log`).toBe(false)
  })
})
