import { describe, expect, it } from 'vitest'
import { githubSource } from '../../../src/sources/github.ts'
import { githubBranchPush, githubPayload, githubPing } from '../../helpers/fixtures.ts'
import { formBody, githubHeaders } from '../../helpers/sign.ts'
import { expectCode, inbound, sourceConfig } from './request.ts'

const SECRET = 'gh-webhook-secret'
const source = sourceConfig('github', [SECRET])
const pushBody = JSON.stringify(githubBranchPush())

describe('github source', () => {
  it('verifies and normalizes a branch push', () => {
    const delivery = '72d3162e-cc78-11e3-81ab-4c9367dc0958'
    const req = inbound(githubHeaders(SECRET, 'push', pushBody, { delivery }), pushBody)
    expect(() => githubSource.verify(req, source)).not.toThrow()
    const parsed = githubSource.parse(req, source)
    expect(parsed).toMatchObject({ event: 'push', deliveryId: delivery, ping: false, package: null })
    expect(parsed.pushes).toEqual([
      {
        repo: 'Codertocat/Hello-World',
        repo_url: 'https://github.com/Codertocat/Hello-World',
        ref: 'refs/heads/master',
        branch: 'master',
        tag: null,
        sha: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
        before: null,
        message: 'Initial commit',
        author: 'Codertocat',
        pusher: 'Codertocat',
        created: true,
        deleted: false,
        forced: false,
        commits: [
          {
            id: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
            message: 'Initial commit',
            author: 'Codertocat',
            url: 'https://github.com/Codertocat/Hello-World/commit/6113728f27ae82c7b1a177c8d03f9e96e0adf246',
            timestamp: '2019-05-15T15:19:25Z',
          },
        ],
      },
    ])
  })

  it('normalizes a tag deletion (octokit push/payload.json)', () => {
    const body = JSON.stringify(githubPayload('push', (p) => p['deleted'] === true))
    const [push] = githubSource.parse(inbound(githubHeaders(SECRET, 'push', body), body), source).pushes
    expect(push).toMatchObject({ ref: 'refs/tags/simple-tag', branch: null, tag: 'simple-tag', sha: null })
    expect(push).toMatchObject({ deleted: true, message: null, author: null })
  })

  it('treats ping as a ping and only push events as pushes', () => {
    const ping = JSON.stringify(githubPing())
    const parsed = githubSource.parse(inbound(githubHeaders(SECRET, 'ping', ping), ping), source)
    expect(parsed).toMatchObject({ event: 'ping', ping: true, pushes: [] })
    expect((parsed.body as Record<string, unknown>)['zen']).toEqual(expect.any(String))
    const create = JSON.stringify(githubPayload('create'))
    expect(githubSource.parse(inbound(githubHeaders(SECRET, 'create', create), create), source).pushes).toEqual([])
  })

  it('verifies a form-encoded payload= post over the form body', () => {
    const body = formBody(pushBody)
    const req = inbound(githubHeaders(SECRET, 'push', body, { contentType: 'form' }), body)
    expect(() => githubSource.verify(req, source)).not.toThrow()
    expect(githubSource.parse(req, source).pushes[0]?.branch).toBe('master')
    // signing the decoded JSON instead (Gitea's scheme) must not pass for GitHub
    const jsonSigned = githubHeaders(SECRET, 'push', pushBody, { contentType: 'form' })
    const giteaStyle = inbound(jsonSigned, body)
    expectCode(() => githubSource.verify(giteaStyle, source), 'SIGNATURE_MISMATCH')
  })

  it('rejects a tampered body, a wrong secret and a missing signature', () => {
    const headers = githubHeaders(SECRET, 'push', pushBody)
    const tampered = pushBody.replace('Initial commit', 'Initial commit!')
    expectCode(() => githubSource.verify(inbound(headers, tampered), source), 'SIGNATURE_MISMATCH')
    const wrong = githubHeaders('not-the-secret', 'push', pushBody)
    expectCode(() => githubSource.verify(inbound(wrong, pushBody), source), 'SIGNATURE_MISMATCH')
    const unsigned = githubHeaders(null, 'push', pushBody)
    expectCode(() => githubSource.verify(inbound(unsigned, pushBody), source), 'SIGNATURE_MISSING')
  })

  it('verifies over the raw bytes, not a re-serialisation', () => {
    const pretty = JSON.stringify(githubBranchPush(), null, 2)
    const req = inbound(githubHeaders(SECRET, 'push', pretty), pretty)
    expect(() => githubSource.verify(req, source)).not.toThrow()
  })

  it('accepts the second secret during rotation', () => {
    const rotating = sourceConfig('github', ['old-secret', SECRET])
    const req = inbound(githubHeaders(SECRET, 'push', pushBody), pushBody)
    expect(() => githubSource.verify(req, rotating)).not.toThrow()
  })

  it('accepts the documented vector end to end', () => {
    const vector = sourceConfig('github', ["It's a Secret to Everybody"])
    const headers = {
      'x-github-event': 'push',
      'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    }
    expect(() => githubSource.verify(inbound(headers, 'Hello, World!'), vector)).not.toThrow()
  })
})
