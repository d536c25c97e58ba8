import { describe, expect, it } from 'vitest'
import type { Envelope } from '../../../src/envelope.ts'
import { buildEnvelopes } from '../../../src/sources/build-envelopes.ts'
import { sourceTypes } from '../../../src/sources/index.ts'
import { azurePipelinesPreset } from '../../../src/targets/azure-pipelines.ts'
import { bitrisePreset } from '../../../src/targets/bitrise.ts'
import { buildkitePreset } from '../../../src/targets/buildkite.ts'
import { circleciPreset } from '../../../src/targets/circleci.ts'
import { githubActionsPreset } from '../../../src/targets/github-actions.ts'
import { gitlabPreset } from '../../../src/targets/gitlab.ts'
import { jenkinsPreset } from '../../../src/targets/jenkins.ts'
import { teamcityPreset } from '../../../src/targets/teamcity.ts'
import { travisPreset } from '../../../src/targets/travis.ts'
import type { TargetPreset } from '../../../src/targets/types.ts'
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
/** The octokit example, opened from a fork: the head repository is someone else's. */
function githubFork(): Envelope {
  const payload = githubPullRequestOpened() as { pull_request: { head: { repo: Record<string, unknown> } } }
  const head = payload.pull_request.head
  head.repo = { ...head.repo, full_name: 'octocat/Hello-World', clone_url: 'https://github.com/octocat/Hello-World.git' }
  return prEnvelope('github', { 'x-github-event': 'pull_request' }, JSON.stringify(payload))
}
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

  it('buildkite: a pull request build of the source commit, with number, base branch and source repository', async () => {
    const options = buildkitePreset.optionsSchema.parse({ org: 'acme', pipeline: 'app', token: 't' })
    const build = async (envelope: Envelope) =>
      jsonBody(buildkitePreset.buildRequest(await evaluateMap(buildkitePreset.defaultMap, envelope), options))
    expect(await build(gitlab())).toEqual({
      commit: '7d1e5b3a9c2f4e6d8b0a1c3e5f7a9b2d4c6e8f0a',
      branch: 'feature/jitter',
      message: 'Add jitter to widget client retries',
      author: { name: 'sam' },
      pull_request_id: 12,
      pull_request_base_branch: 'main',
      pull_request_repository: 'https://gitlab.example.com/sam/widgets.git',
    })
    expect(await build(branchPush())).toMatchObject({ commit: '6113728f27ae82c7b1a177c8d03f9e96e0adf246', branch: 'main' })
    expect(await build(branchPush())).not.toHaveProperty('pull_request_id')
  })

  it('jenkins: source branch, commit and repository, with the number and target branch', async () => {
    const options = jenkinsPreset.optionsSchema.parse({ url: 'https://ci.example.com', job: 'app', user: 'u', api_token: 't' })
    const request = jenkinsPreset.buildRequest(await evaluateMap(jenkinsPreset.defaultMap, gitlab()), options)
    expect(request.url).toBe('https://ci.example.com/job/app/buildWithParameters')
    expect(Object.fromEntries(new URLSearchParams(request.body))).toEqual({
      BRANCH: 'feature/jitter',
      COMMIT: '7d1e5b3a9c2f4e6d8b0a1c3e5f7a9b2d4c6e8f0a',
      REPO: 'sam/widgets',
      PR_NUMBER: '12',
      TARGET_BRANCH: 'main',
    })
  })

  /** The branch each preset that builds by branch name is asked to build, per envelope. */
  async function branchFor<O extends Record<string, unknown>>(preset: TargetPreset<O>, raw: unknown, read: (body: unknown) => unknown, envelope: Envelope) {
    const options = preset.optionsSchema.parse(raw)
    const map = preset.defaultMapFor?.(options) ?? preset.defaultMap
    return read(jsonBody(preset.buildRequest(await evaluateMap(map, envelope), options)))
  }
  const circleci = (e: Envelope) =>
    branchFor(circleciPreset, { project: 'gh/acme/app', token: 't' }, (b) => (b as { branch: string }).branch, e)
  const teamcity = (e: Envelope) =>
    branchFor(teamcityPreset, { url: 'https://tc.example.com', token: 't', build_type: 'App' }, (b) => (b as { branchName: string }).branchName, e)
  const azure = (e: Envelope) =>
    branchFor(
      azurePipelinesPreset,
      { org: 'acme', project: 'app', pipeline: 12, token: 't' },
      (b) => (b as { resources: { repositories: { self: { refName: string } } } }).resources.repositories.self.refName,
      e
    )
  const workflow = (e: Envelope) =>
    branchFor(githubActionsPreset, { repo: 'acme/app', token: 't', workflow: 'ci.yml' }, (b) => (b as { ref: string }).ref, e)

  it('circleci, teamcity, azure-pipelines: the source branch, or the host head ref for a fork', async () => {
    expect(await circleci(github())).toBe('changes')
    expect(await circleci(githubFork())).toBe('pull/2/head')
    expect(await circleci(gitlab())).toBe('merge-requests/12/head')
    expect(await circleci(bitbucket())).toBe('feature/widget-cache')
    expect(await teamcity(githubFork())).toBe('pull/2/head')
    expect(await teamcity(gitea())).toBe('feature/cache-metrics')
    expect(await azure(github())).toBe('refs/heads/changes')
    expect(await azure(githubFork())).toBe('refs/pull/2/head')
    // pushes keep their defaults
    expect(await circleci(branchPush())).toBe('main')
    expect(await azure(branchPush())).toBe('refs/heads/main')
  })

  it('teamcity: the pull request title is the build comment', async () => {
    const options = teamcityPreset.optionsSchema.parse({ url: 'https://tc.example.com', token: 't', build_type: 'App' })
    const request = teamcityPreset.buildRequest(await evaluateMap(teamcityPreset.defaultMap, server()), options)
    expect(jsonBody(request)).toMatchObject({ branchName: 'feature/upload-retry', comment: { text: 'Retry widget uploads' } })
  })

  it('github-actions: workflow_dispatch on the source branch; repository_dispatch carries the pull request', async () => {
    expect(await workflow(github())).toBe('changes')
    expect(await workflow(branchPush())).toBe('main')
    const dispatch = await branchFor(githubActionsPreset, { repo: 'acme/app', token: 't' }, (b) => b, githubFork())
    expect(dispatch).toEqual({
      event_type: 'hookyard.pull_request',
      client_payload: {
        number: 2,
        action: 'opened',
        repo: 'octocat/Hello-World',
        clone_url: 'https://github.com/octocat/Hello-World.git',
        branch: 'changes',
        sha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
        base: 'master',
        head_ref: 'pull/2/head',
        merge_ref: 'pull/2/merge',
      },
    })
  })
})
