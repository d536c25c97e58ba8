import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCaptureServer, type CaptureServer, type CapturedRequest } from '../helpers/capture-server.ts'
import { fixtureText, githubBranchPush } from '../helpers/fixtures.ts'
import { bitbucketHeaders, formBody, giteaHeaders, githubHeaders, gitlabHeaders, tokenHeaders } from '../helpers/sign.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'

const SECRETS = {
  GITHUB_WEBHOOK_SECRET: 'gh-secret-It-s-a-Secret',
  GITLAB_WEBHOOK_TOKEN: 'gl-token-5f4dcc3b5aa7',
  BITBUCKET_WEBHOOK_SECRET: 'bb-secret-9a8b7c6d',
  GITEA_WEBHOOK_SECRET: 'gitea-secret-1q2w3e',
  PROGET_WEBHOOK_TOKEN: 'proget-token-a1b2c3d4',
  BITRISE_TRIGGER_TOKEN: 'bitrise-trigger-token-xyz',
  GITLAB_TRIGGER_TOKEN: 'glptt-0123456789abcdef',
  TRAVIS_TOKEN: 'travis-api-token-777',
  BUILDMASTER_API_KEY: 'bm-api-key-abc12345',
}

/** Rule files written in the documented format (docs/rule-files.md). */
function rules(urls: Record<string, string>): Record<string, string> {
  return {
    'github.yaml': `
sources:
  github:
    type: github
    secret: \${GITHUB_WEBHOOK_SECRET}
targets:
  bitrise-ios:
    type: bitrise
    url: ${urls['bitrise']}
    app_slug: 1a2b3c4d
    token: \${BITRISE_TRIGGER_TOKEN}
  gitlab-pipeline:
    type: gitlab
    url: ${urls['gitlab']}
    project: acme/mobile
    token: \${GITLAB_TRIGGER_TOKEN}
routes:
  - name: ios-on-master
    source: github
    when: event = "push" and push.branch = "master"
    to: [bitrise-ios]
    map: |
      { "branch": push.branch, "commit_hash": push.sha, "commit_message": push.message }
  - name: pipeline-on-master
    source: github
    when: event = "push" and push.branch = "master"
    to: [gitlab-pipeline]
    map: '{ "ref": push.branch, "variables": { "UPSTREAM_SHA": push.sha, "UPSTREAM_REPO": push.repo } }'
`,
    'gitlab.yaml': `
sources:
  gitlab:
    type: gitlab
    secret: \${GITLAB_WEBHOOK_TOKEN}
targets:
  travis:
    type: travis
    url: ${urls['travis']}
    repo: acme/widgets
    token: \${TRAVIS_TOKEN}
routes:
  - name: travis-on-push
    source: gitlab
    when: event = "Push Hook" and push.branch != null
    to: travis
    map: '{ "branch": push.branch, "sha": push.sha, "message": "hookyard: " & push.message }'
`,
    'bitbucket.yaml': `
sources:
  bitbucket:
    type: bitbucket
    secret: \${BITBUCKET_WEBHOOK_SECRET}
targets:
  myget-feed:
    type: myget
    url: ${urls['myget']}/BuildSource/Hook/acme-feed?identifier=0f8fad5b-d9cb-469f-a165-70867728950e
    cooldown: 0s
routes:
  - name: myget-on-branch-push
    source: bitbucket
    when: event = "repo:push" and push.branch != null
    to: myget-feed
`,
    'gitea.yaml': `
sources:
  gitea:
    type: gitea
    secret: \${GITEA_WEBHOOK_SECRET}
targets:
  deploy-hook:
    type: http
    url: ${urls['http']}/hooks/deploy
    headers: { X-Deploy-Key: static-key-123 }
routes:
  - name: gitea-deploy
    source: [gitea]
    to: [deploy-hook]
    map: '{ "path": "main", "body": { "repo": push.repo, "sha": push.sha } }'
`,
    'proget.yaml': `
sources:
  proget:
    type: proget
    secret: \${PROGET_WEBHOOK_TOKEN}
targets:
  buildmaster:
    type: buildmaster
    url: ${urls['buildmaster']}
    api_key: \${BUILDMASTER_API_KEY}
routes:
  - name: build-on-package
    source: proget
    when: $lowercase(package.event) in ["added", "promoted"]
    to: buildmaster
    map: |
      {
        "applicationName": package.name,
        "releaseNumber": package.version,
        "reason": package.name & " pushed to ProGet"
      }
`,
  }
}

describe('end to end: signed sender payloads become the documented CI trigger requests', () => {
  const servers: Record<string, CaptureServer> = {}
  let hy: TestHookyard

  beforeAll(async () => {
    for (const name of ['bitrise', 'gitlab', 'travis', 'myget', 'http', 'buildmaster']) {
      servers[name] = await startCaptureServer()
    }
    const urls = Object.fromEntries(Object.entries(servers).map(([k, s]) => [k, s.url]))
    hy = await startTestHookyard({ rules: rules(urls), env: SECRETS })
  })
  afterAll(async () => {
    await hy.stop()
    await Promise.all(Object.values(servers).map((s) => s.close()))
  })

  async function received(name: string, count = 1): Promise<CapturedRequest[]> {
    const server = servers[name]!
    await expect.poll(() => server.requests.length, { timeout: 10_000 }).toBe(count)
    return server.requests
  }

  it('GitHub push to master -> Bitrise build and GitLab pipeline', async () => {
    const body = JSON.stringify(githubBranchPush())
    const res = await hy.post('github', body, githubHeaders(SECRETS.GITHUB_WEBHOOK_SECRET, 'push', body))
    expect(res.status).toBe(202)
    const ack = (await res.json()) as { event: string; deliveries: { id: string; route: string; target: string }[] }
    expect(ack.deliveries.map((d) => [d.route, d.target])).toEqual([
      ['ios-on-master', 'bitrise-ios'],
      ['pipeline-on-master', 'gitlab-pipeline'],
    ])

    const [bitrise] = await received('bitrise')
    expect(bitrise!.method).toBe('POST')
    expect(bitrise!.url).toBe('/app/1a2b3c4d/build/start.json')
    expect(bitrise!.headers['content-type']).toBe('application/json')
    expect(bitrise!.headers['user-agent']).toBe('hookyard/0.0.0-test')
    expect(bitrise!.headers['x-hookyard-delivery']).toBe(ack.deliveries[0]!.id)
    expect(JSON.parse(bitrise!.body)).toMatchObject({
      hook_info: { type: 'bitrise', build_trigger_token: SECRETS.BITRISE_TRIGGER_TOKEN },
      build_params: {
        branch: 'master',
        commit_hash: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
        commit_message: 'Initial commit',
      },
    })

    const [gitlab] = await received('gitlab')
    expect(gitlab!.method).toBe('POST')
    expect(gitlab!.url).toBe('/api/v4/projects/acme%2Fmobile/trigger/pipeline')
    expect(gitlab!.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/)
    expect(gitlab!.headers['x-github-event']).toBeUndefined() // inbound headers are never forwarded
    const form = new URLSearchParams(gitlab!.body)
    expect(form.get('token')).toBe(SECRETS.GITLAB_TRIGGER_TOKEN)
    expect(form.get('ref')).toBe('master')
    expect(form.get('variables[UPSTREAM_SHA]')).toBe('6113728f27ae82c7b1a177c8d03f9e96e0adf246')
    expect(form.get('variables[UPSTREAM_REPO]')).toBe('Codertocat/Hello-World')
  })

  it('GitHub form-encoded push (payload=) is verified over the form body and routed the same way', async () => {
    servers['bitrise']!.requests.length = 0
    servers['gitlab']!.requests.length = 0
    const body = formBody(JSON.stringify(githubBranchPush()))
    const res = await hy.post('github', body, githubHeaders(SECRETS.GITHUB_WEBHOOK_SECRET, 'push', body, { contentType: 'form' }))
    expect(res.status).toBe(202)
    const [bitrise] = await received('bitrise')
    expect(JSON.parse(bitrise!.body).build_params.branch).toBe('master')
  })

  it('GitLab Push Hook -> Travis CI request', async () => {
    const body = fixtureText('gitlab/push-hook')
    const res = await hy.post('gitlab', body, gitlabHeaders(SECRETS.GITLAB_WEBHOOK_TOKEN, 'Push Hook'))
    expect(res.status).toBe(202)
    const [travis] = await received('travis')
    expect(travis!.method).toBe('POST')
    expect(travis!.url).toBe('/repo/acme%2Fwidgets/requests')
    expect(travis!.headers['travis-api-version']).toBe('3')
    expect(travis!.headers['authorization']).toBe(`token ${SECRETS.TRAVIS_TOKEN}`)
    expect(travis!.headers['content-type']).toBe('application/json')
    expect(travis!.headers['accept']).toBe('application/json')
    expect(JSON.parse(travis!.body)).toEqual({
      request: {
        branch: 'main',
        sha: '9f1e3c7a2b8d4e6f0a5c1b7d3e9f2a4c6b8d0e1f',
        message: 'hookyard: Fix flaky widget test\n',
      },
    })
  })

  it('Bitbucket Cloud push with a branch and a tag change -> one MyGet build for the branch', async () => {
    const body = fixtureText('bitbucket/repo-push')
    const res = await hy.post('bitbucket', body, bitbucketHeaders(SECRETS.BITBUCKET_WEBHOOK_SECRET, 'repo:push', body))
    expect(res.status).toBe(202)
    const ack = (await res.json()) as { deliveries: unknown[] }
    expect(ack.deliveries).toHaveLength(1)
    const [myget] = await received('myget')
    expect(myget!.method).toBe('POST')
    expect(myget!.url).toBe('/BuildSource/Hook/acme-feed?identifier=0f8fad5b-d9cb-469f-a165-70867728950e')
    expect(myget!.headers['content-type']).toBe('application/json')
    expect(JSON.parse(myget!.body)).toEqual(JSON.parse(body)) // default map: the original inbound body
  })

  it('Gitea push -> generic http target on the configured host', async () => {
    const payload = fixtureText('gitea/push')
    const res = await hy.post('gitea', payload, giteaHeaders(SECRETS.GITEA_WEBHOOK_SECRET, 'push', payload))
    expect(res.status).toBe(202)
    const [hook] = await received('http')
    expect(hook!.url).toBe('/hooks/deploy/main')
    expect(hook!.headers['x-deploy-key']).toBe('static-key-123')
    expect(JSON.parse(hook!.body)).toEqual({
      repo: JSON.parse(payload).repository.full_name,
      sha: '2b4d6f8a0c2e4b6d8f0a1a3c5e7f9b2d4f6a8c0e',
    })
  })

  it('ProGet package event -> BuildMaster build as in the ProGet HOWTO', async () => {
    const body = fixtureText('proget/package-promoted')
    const res = await hy.post('proget', body, tokenHeaders(null), `?token=${SECRETS.PROGET_WEBHOOK_TOKEN}`)
    expect(res.status).toBe(202)
    const [bm] = await received('buildmaster')
    expect(bm!.method).toBe('POST')
    expect(bm!.url).toBe('/api/releases/builds/create')
    expect(bm!.headers['x-apikey']).toBe(SECRETS.BUILDMASTER_API_KEY)
    expect(bm!.headers['content-type']).toBe('application/json')
    expect(JSON.parse(bm!.body)).toEqual({
      applicationName: 'MyCorp.CoolUtils',
      releaseNumber: '3.2.0-pre.1',
      reason: 'MyCorp.CoolUtils pushed to ProGet',
    })
  })

  it('never writes a secret to the log', () => {
    const all = hy.logs.join('\n')
    expect(all).toContain('event accepted')
    expect(all).toContain('delivery attempt')
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect(all.includes(secret), `${name} leaked into the log`).toBe(false)
    }
  })
})
