import { describe, expect, it } from 'vitest'
import { MappingError } from '../../../src/errors.ts'
import { bitbucketStatusPreset } from '../../../src/targets/bitbucket-status.ts'
import type { CommitStatus } from '../../../src/targets/commit-status.ts'
import { giteaStatusPreset } from '../../../src/targets/gitea-status.ts'
import { githubStatusPreset } from '../../../src/targets/github-status.ts'
import { gitlabStatusPreset } from '../../../src/targets/gitlab-status.ts'
import type { TargetPreset } from '../../../src/targets/types.ts'

const SHA = '6113728f27ae82c7b1a177c8d03f9e96e0adf246'

function status(overrides: Partial<CommitStatus> = {}): CommitStatus {
  return { repository: 'acme/app', sha: SHA, state: 'success', description: 'Build #7 started on bitrise-app', context: 'hookyard/app', target_url: 'https://app.bitrise.io/build/abc', ...overrides }
}

function build<O extends Record<string, unknown>>(preset: TargetPreset<O>, options: Record<string, unknown>, value: unknown = status()) {
  const parsed = preset.optionsSchema.parse(options)
  const request = preset.buildRequest(value, parsed)
  return { ...request, json: JSON.parse(request.body) as Record<string, unknown> }
}

describe('github-status', () => {
  it('POST /repos/{owner}/{repo}/statuses/{sha} on api.github.com with a Bearer token', () => {
    const r = build(githubStatusPreset, { token: 'ghp-x' })
    expect(r.method).toBe('POST')
    expect(r.url).toBe(`https://api.github.com/repos/acme/app/statuses/${SHA}`)
    expect(r.headers).toMatchObject({ Authorization: 'Bearer ghp-x', Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28', 'Content-Type': 'application/json' })
    expect(r.json).toEqual({ state: 'success', target_url: 'https://app.bitrise.io/build/abc', description: 'Build #7 started on bitrise-app', context: 'hookyard/app' })
  })

  it('keeps each state, leaves out a missing link and cuts the description to 140 characters', () => {
    for (const state of ['pending', 'success', 'failure', 'error'] as const) {
      expect(build(githubStatusPreset, { token: 't' }, status({ state })).json['state']).toBe(state)
    }
    const r = build(githubStatusPreset, { token: 't', url: 'https://ghe.example.com/api/v3/' }, status({ target_url: null, description: 'x'.repeat(300) }))
    expect(r.url).toBe(`https://ghe.example.com/api/v3/repos/acme/app/statuses/${SHA}`)
    expect(r.json).not.toHaveProperty('target_url')
    expect([...(r.json['description'] as string)]).toHaveLength(140)
    expect(r.json['description']).toMatch(/…$/)
  })

  it('refuses a repository that is not owner/name and a sha that is not a commit id, naming them', () => {
    expect(() => build(githubStatusPreset, { token: 't' }, status({ repository: 'acme' }))).toThrow(/github-status: repository must look like owner\/name, got "acme"/)
    expect(() => build(githubStatusPreset, { token: 't' }, status({ repository: 'acme/../x' }))).toThrow(MappingError)
    expect(() => build(githubStatusPreset, { token: 't' }, status({ sha: 'main' }))).toThrow(/sha must be a git commit id/)
    expect(() => build(githubStatusPreset, { token: 't' }, status({ target_url: 'javascript:alert(1)' }))).toThrow(/target_url must be an http\(s\) URL/)
  })

  it('needs a token', () => {
    expect(githubStatusPreset.optionsSchema.safeParse({}).success).toBe(false)
  })
})

describe('gitlab-status', () => {
  it('POST /api/v4/projects/:id/statuses/:sha with the URL-encoded path, PRIVATE-TOKEN and name = context', () => {
    const r = build(gitlabStatusPreset, { token: 'glpat-x' }, status({ repository: 'group/sub/app' }))
    expect(r.url).toBe(`https://gitlab.com/api/v4/projects/group%2Fsub%2Fapp/statuses/${SHA}`)
    expect(r.headers).toMatchObject({ 'PRIVATE-TOKEN': 'glpat-x', 'Content-Type': 'application/json' })
    expect(r.headers).not.toHaveProperty('Authorization')
    expect(r.json).toEqual({ state: 'success', name: 'hookyard/app', target_url: 'https://app.bitrise.io/build/abc', description: 'Build #7 started on bitrise-app' })
  })

  it("maps the states to GitLab's: failure and error are failed", () => {
    const states = (['pending', 'success', 'failure', 'error'] as const).map((state) => build(gitlabStatusPreset, { token: 't' }, status({ state })).json['state'])
    expect(states).toEqual(['pending', 'success', 'failed', 'failed'])
  })

  it('takes a numeric project id and a self-hosted URL', () => {
    expect(build(gitlabStatusPreset, { token: 't', url: 'https://gitlab.example.com' }, status({ repository: '42' })).url).toBe(`https://gitlab.example.com/api/v4/projects/42/statuses/${SHA}`)
  })
})

describe('bitbucket-status', () => {
  it('POST /2.0/repositories/{workspace}/{repo}/commit/{sha}/statuses/build with an app password (Basic)', () => {
    const r = build(bitbucketStatusPreset, { username: 'ci-bot', app_password: 'app-pw' })
    expect(r.url).toBe(`https://api.bitbucket.org/2.0/repositories/acme/app/commit/${SHA}/statuses/build`)
    expect(r.headers['Authorization']).toBe(`Basic ${Buffer.from('ci-bot:app-pw').toString('base64')}`)
    expect(r.json).toEqual({ key: 'hookyard/app', state: 'SUCCESSFUL', url: 'https://app.bitrise.io/build/abc', name: 'hookyard/app', description: 'Build #7 started on bitrise-app' })
  })

  it('or an access token (Bearer); the Basic credential is a derived secret', () => {
    expect(build(bitbucketStatusPreset, { token: 'bb-token' }).headers['Authorization']).toBe('Bearer bb-token')
    const options = bitbucketStatusPreset.optionsSchema.parse({ username: 'u', app_password: 'p' })
    expect(bitbucketStatusPreset.derivedSecrets?.(options)).toEqual([Buffer.from('u:p').toString('base64')])
  })

  it('maps the states and always sends a url (the commit page when there is no link)', () => {
    const states = (['pending', 'success', 'failure', 'error'] as const).map((state) => build(bitbucketStatusPreset, { token: 't' }, status({ state })).json['state'])
    expect(states).toEqual(['INPROGRESS', 'SUCCESSFUL', 'FAILED', 'FAILED'])
    expect(build(bitbucketStatusPreset, { token: 't' }, status({ target_url: null })).json['url']).toBe(`https://bitbucket.org/acme/app/commits/${SHA}`)
  })

  it('keeps the key within 40 characters, distinct per context; the name keeps the whole context', () => {
    const long = 'hookyard/a-very-long-route-name-for-the-mobile-app/bitrise-ios'
    const a = build(bitbucketStatusPreset, { token: 't' }, status({ context: long })).json
    const b = build(bitbucketStatusPreset, { token: 't' }, status({ context: `${long}-2` })).json
    expect((a['key'] as string).length).toBeLessThanOrEqual(40)
    expect(a['key']).not.toBe(b['key'])
    expect(a['name']).toBe(long)
  })

  it('refuses missing, half or double credentials with a message that says what to give', () => {
    const message = (options: Record<string, unknown>) => bitbucketStatusPreset.optionsSchema.safeParse(options).error?.issues.map((i) => i.message).join('; ')
    expect(message({})).toMatch(/needs credentials: username \+ app_password/)
    expect(message({ username: 'u' })).toMatch(/username and app_password go together/)
    expect(message({ username: 'u', app_password: 'p', token: 't' })).toMatch(/either username \+ app_password or token, not both/)
  })
})

describe('gitea-status', () => {
  it('POST /api/v1/repos/{owner}/{repo}/statuses/{sha} with Authorization: token', () => {
    const r = build(giteaStatusPreset, { url: 'https://gitea.example.com', token: 'gt-x' }, status({ state: 'failure', target_url: null }))
    expect(r.url).toBe(`https://gitea.example.com/api/v1/repos/acme/app/statuses/${SHA}`)
    expect(r.headers['Authorization']).toBe('token gt-x')
    expect(r.json).toEqual({ state: 'failure', description: 'Build #7 started on bitrise-app', context: 'hookyard/app' })
  })

  it('has no default URL: every Gitea is self-hosted', () => {
    expect(giteaStatusPreset.optionsSchema.safeParse({ token: 't' }).success).toBe(false)
  })
})

describe('every reporter', () => {
  it.each([githubStatusPreset, gitlabStatusPreset, bitbucketStatusPreset, giteaStatusPreset] as TargetPreset[])('$type is a reporter whose tokens are secret', (preset) => {
    expect(preset.reporter).toBe(true)
    expect(preset.secretOptions).toContain('token')
  })
})
