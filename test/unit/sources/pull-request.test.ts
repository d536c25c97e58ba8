import { describe, expect, it } from 'vitest'
import type { PullRequestView } from '../../../src/envelope.ts'
import { bitbucketServerSource } from '../../../src/sources/bitbucket-server.ts'
import { bitbucketSource } from '../../../src/sources/bitbucket.ts'
import { buildEnvelopes } from '../../../src/sources/build-envelopes.ts'
import { giteaSource } from '../../../src/sources/gitea.ts'
import { githubSource } from '../../../src/sources/github.ts'
import { gitlabSource } from '../../../src/sources/gitlab.ts'
import { fixtureJson, fixtureText, githubBranchPush, githubPayload, githubPullRequestOpened } from '../../helpers/fixtures.ts'
import { bitbucketHeaders, bitbucketServerHeaders, giteaHeaders, githubHeaders, gitlabHeaders } from '../../helpers/sign.ts'
import { inbound, sourceConfig } from './request.ts'

const SECRET = 'pr-webhook-secret'

function githubView(payload: unknown): PullRequestView | null {
  const body = JSON.stringify(payload)
  const req = inbound(githubHeaders(SECRET, 'pull_request', body), body)
  githubSource.verify(req, sourceConfig('github', [SECRET]))
  return githubSource.parse(req, sourceConfig('github', [SECRET])).pullRequest
}

function gitlabView(payload: unknown): PullRequestView | null {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload)
  const req = inbound(gitlabHeaders(SECRET, 'Merge Request Hook'), body)
  gitlabSource.verify(req, sourceConfig('gitlab', [SECRET]))
  return gitlabSource.parse(req, sourceConfig('gitlab', [SECRET])).pullRequest
}

function bitbucketView(eventKey: string, body: string): PullRequestView | null {
  const req = inbound(bitbucketHeaders(SECRET, eventKey, body), body)
  bitbucketSource.verify(req, sourceConfig('bitbucket', [SECRET]))
  return bitbucketSource.parse(req, sourceConfig('bitbucket', [SECRET])).pullRequest
}

function serverView(eventKey: string, body: string): PullRequestView | null {
  const req = inbound(bitbucketServerHeaders(SECRET, eventKey, body), body)
  bitbucketServerSource.verify(req, sourceConfig('bitbucket-server', [SECRET]))
  return bitbucketServerSource.parse(req, sourceConfig('bitbucket-server', [SECRET])).pullRequest
}

function giteaView(payload: unknown, event = 'pull_request'): PullRequestView | null {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload)
  const req = inbound(giteaHeaders(SECRET, event, body), body)
  giteaSource.verify(req, sourceConfig('gitea', [SECRET]))
  return giteaSource.parse(req, sourceConfig('gitea', [SECRET])).pullRequest
}

describe('pull request view', () => {
  it('github: the octokit opened example, with both special refs', () => {
    expect(githubView(githubPullRequestOpened())).toEqual({
      number: 2,
      action: 'opened',
      action_raw: 'opened',
      title: 'Update the README with new information.',
      url: 'https://github.com/Codertocat/Hello-World/pull/2',
      author: 'Codertocat',
      draft: false,
      merged: false,
      source: {
        repo: 'Codertocat/Hello-World',
        repo_url: 'https://github.com/Codertocat/Hello-World',
        clone_url: 'https://github.com/Codertocat/Hello-World.git',
        branch: 'changes',
        sha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
      },
      target: {
        repo: 'Codertocat/Hello-World',
        repo_url: 'https://github.com/Codertocat/Hello-World',
        clone_url: 'https://github.com/Codertocat/Hello-World.git',
        branch: 'master',
      },
      from_fork: false,
      head_ref: 'pull/2/head',
      merge_ref: 'pull/2/merge',
    })
  })

  it('github: synchronize is updated, a merged close is merged, a plain close is closed, others are other', () => {
    const sync = githubPayload('pull_request', (p) => p['action'] === 'synchronize')
    expect(githubView(sync)).toMatchObject({ action: 'updated', action_raw: 'synchronize' })
    const closed = githubPayload('pull_request', (p) => p['action'] === 'closed')
    const pr = closed['pull_request'] as Record<string, unknown>
    pr['merged'] = true
    expect(githubView(closed)).toMatchObject({ action: 'merged', merged: true })
    pr['merged'] = false
    expect(githubView(closed)).toMatchObject({ action: 'closed', merged: false })
    const reopened = githubPayload('pull_request', (p) => p['action'] === 'reopened')
    expect(githubView(reopened)?.action).toBe('reopened')
    const labeled = githubPayload('pull_request', (p) => p['action'] === 'labeled')
    expect(githubView(labeled)?.action).toBe('other')
  })

  it('github: a pull request from a fork carries the fork as source', () => {
    const payload = githubPullRequestOpened()
    const head = (payload['pull_request'] as { head: { repo: Record<string, unknown> } }).head
    head.repo['full_name'] = 'contributor/Hello-World'
    head.repo['clone_url'] = 'https://github.com/contributor/Hello-World.git'
    const view = githubView(payload)
    expect(view?.from_fork).toBe(true)
    expect(view?.source.clone_url).toBe('https://github.com/contributor/Hello-World.git')
    expect(view?.target.clone_url).toBe('https://github.com/Codertocat/Hello-World.git')
  })

  it('github: a push has no pull request view, and a pull request no push', () => {
    const push = JSON.stringify(githubBranchPush())
    const parsed = githubSource.parse(inbound(githubHeaders(SECRET, 'push', push), push), sourceConfig('github', [SECRET]))
    expect(parsed.pullRequest).toBeNull()
    const body = JSON.stringify(githubPullRequestOpened())
    const req = inbound(githubHeaders(SECRET, 'pull_request', body), body)
    const source = sourceConfig('github', [SECRET])
    const [envelope, ...rest] = buildEnvelopes(source, req, githubSource.parse(req, source), new Date())
    expect(rest).toHaveLength(0)
    expect(envelope).toMatchObject({ event: 'pull_request', push: null, package: null, pull_request: { number: 2 } })
  })

  it('gitlab: a merge request from a fork, with the merge-requests head ref', () => {
    expect(gitlabView(fixtureText('gitlab/merge-request-hook'))).toEqual({
      number: 12,
      action: 'opened',
      action_raw: 'open',
      title: 'Add jitter to widget client retries',
      url: 'https://gitlab.example.com/acme/widgets/-/merge_requests/12',
      author: 'sam',
      draft: false,
      merged: false,
      source: {
        repo: 'sam/widgets',
        repo_url: 'https://gitlab.example.com/sam/widgets',
        clone_url: 'https://gitlab.example.com/sam/widgets.git',
        branch: 'feature/jitter',
        sha: '7d1e5b3a9c2f4e6d8b0a1c3e5f7a9b2d4c6e8f0a',
      },
      target: {
        repo: 'acme/widgets',
        repo_url: 'https://gitlab.example.com/acme/widgets',
        clone_url: 'https://gitlab.example.com/acme/widgets.git',
        branch: 'main',
      },
      from_fork: true,
      head_ref: 'merge-requests/12/head',
      merge_ref: null,
    })
  })

  it('gitlab: update is updated only with new commits (oldrev); merge and close', () => {
    const payload = fixtureJson('gitlab/merge-request-hook')
    const attrs = payload['object_attributes'] as Record<string, unknown>
    attrs['action'] = 'update'
    expect(gitlabView(payload)?.action).toBe('other')
    attrs['oldrev'] = '1c3e5f7a9b2d4c6e8f0a7d1e5b3a9c2f4e6d8b0a'
    expect(gitlabView(payload)?.action).toBe('updated')
    delete attrs['oldrev']
    attrs['action'] = 'merge'
    attrs['state'] = 'merged'
    expect(gitlabView(payload)).toMatchObject({ action: 'merged', merged: true })
    attrs['action'] = 'close'
    attrs['state'] = 'closed'
    expect(gitlabView(payload)).toMatchObject({ action: 'closed', merged: false })
    attrs['action'] = 'approved'
    expect(gitlabView(payload)?.action).toBe('other')
  })

  it('gitlab: a push hook has no pull request view', () => {
    const body = fixtureText('gitlab/push-hook')
    const parsed = gitlabSource.parse(inbound(gitlabHeaders(SECRET, 'Push Hook'), body), sourceConfig('gitlab', [SECRET]))
    expect(parsed.pullRequest).toBeNull()
  })

  it('bitbucket cloud: pullrequest:created, with the short hash as sent and a derived clone URL', () => {
    expect(bitbucketView('pullrequest:created', fixtureText('bitbucket/pullrequest-created'))).toEqual({
      number: 7,
      action: 'opened',
      action_raw: 'pullrequest:created',
      title: 'Cache widget lookups',
      url: 'https://bitbucket.org/acme/widgets/pull-requests/7',
      author: 'Jane Doe',
      draft: false,
      merged: false,
      source: {
        repo: 'acme/widgets',
        repo_url: 'https://bitbucket.org/acme/widgets',
        clone_url: 'https://bitbucket.org/acme/widgets.git',
        branch: 'feature/widget-cache',
        sha: '5e6f7a8b9c0d',
      },
      target: {
        repo: 'acme/widgets',
        repo_url: 'https://bitbucket.org/acme/widgets',
        clone_url: 'https://bitbucket.org/acme/widgets.git',
        branch: 'main',
      },
      from_fork: false,
      head_ref: null,
      merge_ref: null,
    })
  })

  it('bitbucket cloud: the event key decides the action', () => {
    const body = fixtureText('bitbucket/pullrequest-created')
    expect(bitbucketView('pullrequest:updated', body)?.action).toBe('updated')
    expect(bitbucketView('pullrequest:fulfilled', body.replace('"OPEN"', '"MERGED"'))).toMatchObject({ action: 'merged', merged: true })
    expect(bitbucketView('pullrequest:rejected', body.replace('"OPEN"', '"DECLINED"'))).toMatchObject({ action: 'closed', merged: false })
    expect(bitbucketView('pullrequest:approved', body)?.action).toBe('other')
    expect(bitbucketView('repo:push', fixtureText('bitbucket/repo-push'))).toBeNull()
  })

  it('bitbucket server: pr:opened, with the HTTP clone URL and no special refs', () => {
    expect(serverView('pr:opened', fixtureText('bitbucket-server/pr-opened'))).toEqual({
      number: 42,
      action: 'opened',
      action_raw: 'pr:opened',
      title: 'Retry widget uploads',
      url: 'https://bitbucket.example.com/projects/ACME/repos/widgets/pull-requests/42',
      author: 'jdoe',
      draft: false,
      merged: false,
      source: {
        repo: 'ACME/widgets',
        repo_url: 'https://bitbucket.example.com/projects/ACME/repos/widgets/browse',
        clone_url: 'https://bitbucket.example.com/scm/acme/widgets.git',
        branch: 'feature/upload-retry',
        sha: '3f9a1c5e7b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a',
      },
      target: {
        repo: 'ACME/widgets',
        repo_url: 'https://bitbucket.example.com/projects/ACME/repos/widgets/browse',
        clone_url: 'https://bitbucket.example.com/scm/acme/widgets.git',
        branch: 'main',
      },
      from_fork: false,
      head_ref: null,
      merge_ref: null,
    })
    const body = fixtureText('bitbucket-server/pr-opened')
    expect(serverView('pr:from_ref_updated', body)?.action).toBe('updated')
    expect(serverView('pr:merged', body.replace('"OPEN"', '"MERGED"'))).toMatchObject({ action: 'merged', merged: true })
    expect(serverView('pr:declined', body)?.action).toBe('closed')
    expect(serverView('repo:refs_changed', fixtureText('bitbucket-server/repo-refs-changed'))).toBeNull()
  })

  it('gitea: pull_request opened, with the pull head ref Gitea keeps and no merge ref', () => {
    expect(giteaView(fixtureText('gitea/pull-request-opened'))).toEqual({
      number: 5,
      action: 'opened',
      action_raw: 'opened',
      title: 'Expose widget cache metrics',
      url: 'https://gitea.example.com/acme/widgets/pulls/5',
      author: 'jdoe',
      draft: false,
      merged: false,
      source: {
        repo: 'acme/widgets',
        repo_url: 'https://gitea.example.com/acme/widgets',
        clone_url: 'https://gitea.example.com/acme/widgets.git',
        branch: 'feature/cache-metrics',
        sha: '6c8e0a2b4d6f8a1c3e5b7d9f0a2c4e6b8d0f1a3c',
      },
      target: {
        repo: 'acme/widgets',
        repo_url: 'https://gitea.example.com/acme/widgets',
        clone_url: 'https://gitea.example.com/acme/widgets.git',
        branch: 'main',
      },
      from_fork: false,
      head_ref: 'pull/5/head',
      merge_ref: null,
    })
  })

  it('gitea: synchronized is updated, a merged close is merged; a push has no view', () => {
    const payload = fixtureJson('gitea/pull-request-opened')
    payload['action'] = 'synchronized'
    expect(giteaView(payload)?.action).toBe('updated')
    payload['action'] = 'closed'
    ;(payload['pull_request'] as Record<string, unknown>)['merged'] = true
    expect(giteaView(payload)).toMatchObject({ action: 'merged', merged: true })
    expect(giteaView(fixtureText('gitea/push'), 'push')).toBeNull()
  })

  it('never throws on a hostile shape: fields read as null', () => {
    const view = githubView({ action: 'constructor', number: '12', pull_request: ['x'] })
    expect(view).toMatchObject({ number: 12, action: 'other', title: null, source: { branch: null, sha: null } })
    expect(gitlabView({ object_kind: 'merge_request', object_attributes: 'x' })).toMatchObject({ number: null, head_ref: null })
  })
})
