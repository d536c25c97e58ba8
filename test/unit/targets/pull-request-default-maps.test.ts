import { describe, expect, it } from 'vitest'
import type { Envelope } from '../../../src/envelope.ts'
import { buildEnvelopes } from '../../../src/sources/build-envelopes.ts'
import { sourceTypes } from '../../../src/sources/index.ts'
import { bitrisePreset } from '../../../src/targets/bitrise.ts'
import { gitlabPreset } from '../../../src/targets/gitlab.ts'
import { travisPreset } from '../../../src/targets/travis.ts'
import { fixtureText, githubPullRequestOpened } from '../../helpers/fixtures.ts'
import { inbound, sourceConfig } from '../sources/request.ts'
import { branchPush, evaluateMap, jsonBody } from './sample-envelopes.ts'

/** The envelope the sources layer builds for a sender's pull request event (signatures aside). */
function prEnvelope(type: string, headers: Record<string, string>, body: string): Envelope {
  const sourceType = sourceTypes.get(type)!
  const source = sourceConfig(type, ['unused'])
  const req = inbound({ 'content-type': 'application/json', ...headers }, body)
  const [envelope] = buildEnvelopes(source, req, sourceType.parse(req, source), new Date('2026-01-02T03:04:05Z'))
  return envelope!
}

const github = () => prEnvelope('github', { 'x-github-event': 'pull_request' }, JSON.stringify(githubPullRequestOpened()))
const gitlab = () => prEnvelope('gitlab', { 'x-gitlab-event': 'Merge Request Hook' }, fixtureText('gitlab/merge-request-hook'))
const bitbucket = () => prEnvelope('bitbucket', { 'x-event-key': 'pullrequest:created' }, fixtureText('bitbucket/pullrequest-created'))
const server = () => prEnvelope('bitbucket-server', { 'x-event-key': 'pr:opened' }, fixtureText('bitbucket-server/pr-opened'))
const gitea = () => prEnvelope('gitea', { 'x-gitea-event': 'pull_request' }, fixtureText('gitea/pull-request-opened'))

const bitriseOptions = bitrisePreset.optionsSchema.parse({ app_slug: 'APP-SLUG', token: 'APP-API-TOKEN' })

async function bitriseParams(envelope: Envelope): Promise<unknown> {
  const mapped = await evaluateMap(bitrisePreset.defaultMap, envelope)
  return (jsonBody(bitrisePreset.buildRequest(mapped, bitriseOptions)) as { build_params: unknown }).build_params
}

describe('default maps on pull request events', () => {
  it('bitrise: GitHub gives every PR build_param of the Bitrise docs, merge and head branch included', async () => {
    expect(await bitriseParams(github())).toEqual({
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

  it('bitrise: GitLab builds from the fork clone URL with the merge-requests head branch', async () => {
    expect(await bitriseParams(gitlab())).toEqual({
      branch: 'feature/jitter',
      branch_dest: 'main',
      pull_request_id: 12,
      pull_request_repository_url: 'https://gitlab.example.com/sam/widgets.git',
      commit_hash: '7d1e5b3a9c2f4e6d8b0a1c3e5f7a9b2d4c6e8f0a',
      commit_message: 'Add jitter to widget client retries',
      pull_request_head_branch: 'merge-requests/12/head',
    })
  })

  it('bitrise: Bitbucket Cloud and Server drop the refs they do not have', async () => {
    expect(await bitriseParams(bitbucket())).toEqual({
      branch: 'feature/widget-cache',
      branch_dest: 'main',
      pull_request_id: 7,
      pull_request_repository_url: 'https://bitbucket.org/acme/widgets.git',
      commit_hash: '5e6f7a8b9c0d',
      commit_message: 'Cache widget lookups',
    })
    expect(await bitriseParams(server())).toEqual({
      branch: 'feature/upload-retry',
      branch_dest: 'main',
      pull_request_id: 42,
      pull_request_repository_url: 'https://bitbucket.example.com/scm/acme/widgets.git',
      commit_hash: '3f9a1c5e7b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a',
      commit_message: 'Retry widget uploads',
    })
  })

  it('bitrise: Gitea carries its pull head ref', async () => {
    expect(await bitriseParams(gitea())).toEqual({
      branch: 'feature/cache-metrics',
      branch_dest: 'main',
      pull_request_id: 5,
      pull_request_repository_url: 'https://gitea.example.com/acme/widgets.git',
      commit_hash: '6c8e0a2b4d6f8a1c3e5b7d9f0a2c4e6b8d0f1a3c',
      commit_message: 'Expose widget cache metrics',
      pull_request_head_branch: 'pull/5/head',
    })
  })

  it('bitrise: a push still builds the pushed branch, without PR params', async () => {
    expect(await bitriseParams(branchPush())).toEqual({
      branch: 'main',
      commit_hash: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
      commit_message: 'Fix the build',
    })
  })

  it('gitlab: runs the pipeline on the source branch', async () => {
    const options = gitlabPreset.optionsSchema.parse({ url: 'https://gitlab.example.com', project: 'acme/app', token: 't' })
    for (const [envelope, branch] of [
      [github(), 'changes'],
      [gitlab(), 'feature/jitter'],
      [bitbucket(), 'feature/widget-cache'],
    ] as const) {
      const request = gitlabPreset.buildRequest(await evaluateMap(gitlabPreset.defaultMap, envelope), options)
      expect(new URLSearchParams(request.body).get('ref')).toBe(branch)
    }
    const push = gitlabPreset.buildRequest(await evaluateMap(gitlabPreset.defaultMap, branchPush()), options)
    expect(new URLSearchParams(push.body).get('ref')).toBe('main')
  })

  it('travis: builds the source branch at its head commit, titled like the pull request', async () => {
    const options = travisPreset.optionsSchema.parse({ repo: 'acme/app', token: 't' })
    const request = travisPreset.buildRequest(await evaluateMap(travisPreset.defaultMap, gitea()), options)
    expect(jsonBody(request)).toEqual({
      request: {
        branch: 'feature/cache-metrics',
        sha: '6c8e0a2b4d6f8a1c3e5b7d9f0a2c4e6b8d0f1a3c',
        message: 'Expose widget cache metrics',
      },
    })
    const push = travisPreset.buildRequest(await evaluateMap(travisPreset.defaultMap, branchPush()), options)
    expect(jsonBody(push)).toEqual({
      request: { branch: 'main', sha: '6113728f27ae82c7b1a177c8d03f9e96e0adf246', message: 'Fix the build' },
    })
  })
})
