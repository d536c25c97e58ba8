import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { fixtureText, githubPullRequestOpened } from '../helpers/fixtures.ts'
import { bitbucketHeaders, giteaHeaders, githubHeaders, gitlabHeaders } from '../helpers/sign.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'

const SECRETS = {
  GITHUB_WEBHOOK_SECRET: 'gh-pr-secret-1a2b',
  GITLAB_WEBHOOK_TOKEN: 'gl-pr-token-3c4d',
  BITBUCKET_WEBHOOK_SECRET: 'bb-pr-secret-5e6f',
  GITEA_WEBHOOK_SECRET: 'gitea-pr-secret-7a8b',
  BITRISE_TRIGGER_TOKEN: 'bitrise-pr-trigger-9c0d',
}

/** One bitrise target without a map: the preset's default map turns each PR into a PR build. */
function rules(bitriseUrl: string): Record<string, string> {
  const sources = [
    ['github', 'github', 'GITHUB_WEBHOOK_SECRET'],
    ['gitlab', 'gitlab', 'GITLAB_WEBHOOK_TOKEN'],
    ['bitbucket', 'bitbucket', 'BITBUCKET_WEBHOOK_SECRET'],
    ['gitea', 'gitea', 'GITEA_WEBHOOK_SECRET'],
  ]
  return {
    'pull-requests.yaml': `
sources:
${sources.map(([name, type, secret]) => `  ${name}:\n    type: ${type}\n    secret: \${${secret}}`).join('\n')}
targets:
  bitrise-pr:
    type: bitrise
    url: ${bitriseUrl}
    app_slug: 1a2b3c4d
    token: \${BITRISE_TRIGGER_TOKEN}
routes:
  - name: pr-builds
    source: [github, gitlab, bitbucket, gitea]
    when: pull_request.action in ["opened", "updated", "reopened"]
    to: bitrise-pr
`,
  }
}

describe('end to end: signed pull request events from four hosts become Bitrise PR builds', () => {
  let bitrise: CaptureServer
  let hy: TestHookyard

  beforeAll(async () => {
    bitrise = await startCaptureServer()
    hy = await startTestHookyard({ rules: rules(bitrise.url), env: SECRETS })
  })
  afterAll(async () => {
    await hy.stop()
    await bitrise.close()
  })

  /** Posts the signed event, waits for the one Bitrise call it causes, returns its build_params. */
  async function buildParams(source: string, body: string, headers: Record<string, string>): Promise<unknown> {
    bitrise.requests.length = 0
    const res = await hy.post(source, body, headers)
    expect(res.status).toBe(202)
    await expect.poll(() => bitrise.requests.length, { timeout: 10_000 }).toBe(1)
    const request = bitrise.requests[0]!
    expect(request.url).toBe('/app/1a2b3c4d/build/start.json')
    const sent = JSON.parse(request.body) as { hook_info: unknown; build_params: unknown }
    expect(sent.hook_info).toEqual({ type: 'bitrise', build_trigger_token: SECRETS.BITRISE_TRIGGER_TOKEN })
    return sent.build_params
  }

  it('GitHub pull_request opened (octokit example) -> PR build with merge and head branch', async () => {
    const body = JSON.stringify(githubPullRequestOpened())
    const headers = githubHeaders(SECRETS.GITHUB_WEBHOOK_SECRET, 'pull_request', body)
    expect(await buildParams('github', body, headers)).toEqual({
      branch: 'changes',
      branch_dest: 'master',
      pull_request_id: 2,
      pull_request_repository_url: 'https://github.com/Codertocat/Hello-World.git',
      commit_hash: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
      commit_message: 'Update the README with new information.',
      pull_request_merge_branch: 'pull/2/merge',
      pull_request_head_branch: 'pull/2/head',
    })
  })

  it('GitLab Merge Request Hook from a fork -> PR build from the fork clone URL', async () => {
    const body = fixtureText('gitlab/merge-request-hook')
    const headers = gitlabHeaders(SECRETS.GITLAB_WEBHOOK_TOKEN, 'Merge Request Hook')
    expect(await buildParams('gitlab', body, headers)).toEqual({
      branch: 'feature/jitter',
      branch_dest: 'main',
      pull_request_id: 12,
      pull_request_repository_url: 'https://gitlab.example.com/sam/widgets.git',
      commit_hash: '7d1e5b3a9c2f4e6d8b0a1c3e5f7a9b2d4c6e8f0a',
      commit_message: 'Add jitter to widget client retries',
      pull_request_head_branch: 'merge-requests/12/head',
    })
  })

  it('Bitbucket Cloud pullrequest:created -> PR build', async () => {
    const body = fixtureText('bitbucket/pullrequest-created')
    const headers = bitbucketHeaders(SECRETS.BITBUCKET_WEBHOOK_SECRET, 'pullrequest:created', body)
    expect(await buildParams('bitbucket', body, headers)).toEqual({
      branch: 'feature/widget-cache',
      branch_dest: 'main',
      pull_request_id: 7,
      pull_request_repository_url: 'https://bitbucket.org/acme/widgets.git',
      commit_hash: '5e6f7a8b9c0d',
      commit_message: 'Cache widget lookups',
    })
  })

  it('Gitea pull_request opened -> PR build', async () => {
    const body = fixtureText('gitea/pull-request-opened')
    const headers = giteaHeaders(SECRETS.GITEA_WEBHOOK_SECRET, 'pull_request', body)
    expect(await buildParams('gitea', body, headers)).toEqual({
      branch: 'feature/cache-metrics',
      branch_dest: 'main',
      pull_request_id: 5,
      pull_request_repository_url: 'https://gitea.example.com/acme/widgets.git',
      commit_hash: '6c8e0a2b4d6f8a1c3e5b7d9f0a2c4e6b8d0f1a3c',
      commit_message: 'Expose widget cache metrics',
      pull_request_head_branch: 'pull/5/head',
    })
  })

  it('a pull request with a wrong signature is a 401 and triggers nothing', async () => {
    bitrise.requests.length = 0
    const body = JSON.stringify(githubPullRequestOpened())
    const res = await hy.post('github', body, githubHeaders('not-the-secret', 'pull_request', body))
    expect(res.status).toBe(401)
    const tampered = body.replace('Update the README', 'Replace the README')
    const signed = githubHeaders(SECRETS.GITHUB_WEBHOOK_SECRET, 'pull_request', body)
    expect((await hy.post('github', tampered, signed)).status).toBe(401)
    expect(bitrise.requests).toHaveLength(0)
  })
})
