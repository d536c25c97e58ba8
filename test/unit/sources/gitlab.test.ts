import { describe, expect, it } from 'vitest'
import { gitlabSource } from '../../../src/sources/gitlab.ts'
import { fixtureJson, fixtureText } from '../../helpers/fixtures.ts'
import { gitlabHeaders, standardWebhooksHeaders } from '../../helpers/sign.ts'
import { expectCode, inbound, sourceConfig } from './request.ts'

const TOKEN = 'gl-webhook-token'
const source = sourceConfig('gitlab', [TOKEN])
const push = fixtureText('gitlab/push-hook')

describe('gitlab source', () => {
  it('verifies the token and normalizes a Push Hook', () => {
    const headers = gitlabHeaders(TOKEN, 'Push Hook', { delivery: 'idem-1', eventUuid: 'uuid-1' })
    const req = inbound(headers, push)
    expect(() => gitlabSource.verify(req, source)).not.toThrow()
    const parsed = gitlabSource.parse(req, source)
    expect(parsed).toMatchObject({ event: 'Push Hook', deliveryId: 'idem-1', ping: false, package: null })
    expect(parsed.pushes).toHaveLength(1)
    expect(parsed.pushes[0]).toMatchObject({
      repo: 'acme/widgets',
      repo_url: 'https://gitlab.example.com/acme/widgets',
      ref: 'refs/heads/main',
      branch: 'main',
      tag: null,
      sha: '9f1e3c7a2b8d4e6f0a5c1b7d3e9f2a4c6b8d0e1f',
      before: '4b2c9e0d5a1f7c3e8b6d2a9f0e1c7b5a3d8f6e2c',
      message: 'Fix flaky widget test\n',
      author: 'Sam Roe',
      pusher: 'jdoe',
      created: false,
      deleted: false,
      forced: false,
    })
    expect(parsed.pushes[0]?.commits.map((c) => c.id)).toEqual([
      'c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1',
      '9f1e3c7a2b8d4e6f0a5c1b7d3e9f2a4c6b8d0e1f',
    ])
  })

  it('normalizes a Tag Push Hook (no commits; pusher falls back to user_name)', () => {
    const body = { ...fixtureJson('gitlab/tag-push-hook'), user_username: undefined }
    const text = JSON.stringify(body)
    const [pushView] = gitlabSource.parse(inbound(gitlabHeaders(TOKEN, 'Tag Push Hook'), text), source).pushes
    expect(pushView).toMatchObject({
      ref: 'refs/tags/v2.3.0',
      branch: null,
      tag: 'v2.3.0',
      sha: '9f1e3c7a2b8d4e6f0a5c1b7d3e9f2a4c6b8d0e1f',
      before: null,
      created: true,
      deleted: false,
      message: null,
      pusher: 'Jane Doe',
      commits: [],
    })
  })

  it('marks a branch deletion and leaves sha null', () => {
    const body = { ...fixtureJson('gitlab/push-hook'), after: '0'.repeat(40), checkout_sha: null, commits: [] }
    const req = inbound(gitlabHeaders(TOKEN, 'Push Hook'), JSON.stringify(body))
    const [pushView] = gitlabSource.parse(req, source).pushes
    expect(pushView).toMatchObject({ deleted: true, created: false, sha: null, message: null })
  })

  it('uses X-Gitlab-Event-UUID without Idempotency-Key, never X-Gitlab-Webhook-UUID', () => {
    const older = gitlabHeaders(TOKEN, 'Push Hook', { eventUuid: 'event-uuid' })
    delete older['idempotency-key']
    expect(gitlabSource.parse(inbound(older, push), source).deliveryId).toBe('event-uuid')
    const bare = { 'x-gitlab-event': 'Push Hook', 'x-gitlab-webhook-uuid': 'random' }
    expect(gitlabSource.parse(inbound(bare, push), source).deliveryId).toBeNull()
  })

  it('gives no push view for other hooks', () => {
    const body = JSON.stringify({ object_kind: 'merge_request', project: {} })
    expect(gitlabSource.parse(inbound(gitlabHeaders(TOKEN, 'Merge Request Hook'), body), source).pushes).toEqual([])
  })

  it('rejects a wrong token and reports a missing one', () => {
    const wrong = inbound(gitlabHeaders('nope', 'Push Hook'), push)
    expectCode(() => gitlabSource.verify(wrong, source), 'SIGNATURE_MISMATCH')
    const missing = inbound(gitlabHeaders(null, 'Push Hook'), push)
    expectCode(() => gitlabSource.verify(missing, source), 'SIGNATURE_MISSING')
  })

  it('accepts the second secret during rotation and verify: none without a token', () => {
    const rotating = sourceConfig('gitlab', ['old-token', TOKEN])
    expect(() => gitlabSource.verify(inbound(gitlabHeaders(TOKEN, 'Push Hook'), push), rotating)).not.toThrow()
    const open = sourceConfig('gitlab', [], { verify: 'none' })
    expect(() => gitlabSource.verify(inbound(gitlabHeaders(null, 'Push Hook'), push), open)).not.toThrow()
  })

  it('auth: signing-token verifies the Standard Webhooks signature instead of X-Gitlab-Token', () => {
    const signingToken = 'whsec_' + Buffer.from('gitlab-signing-token-of-32-bytes').toString('base64')
    const signing = sourceConfig('gitlab', [signingToken], { auth: 'signing-token' })
    const at = new Date('2026-12-04T03:00:00Z')
    // GitLab sends webhook-id with the Idempotency-Key's value
    const signed = { ...gitlabHeaders(null, 'Push Hook', { delivery: 'idem-9' }), ...standardWebhooksHeaders(signingToken, 'idem-9', push, at) }
    expect(() => gitlabSource.verify(inbound(signed, push), signing, at)).not.toThrow()
    expect(gitlabSource.parse(inbound(signed, push), signing)).toMatchObject({ event: 'Push Hook', deliveryId: 'idem-9' })
    // the plain token is no longer enough, and a stale signature is refused
    expectCode(() => gitlabSource.verify(inbound(gitlabHeaders(signingToken, 'Push Hook'), push), signing, at), 'SIGNATURE_MISSING')
    expectCode(() => gitlabSource.verify(inbound(signed, push), signing, new Date(at.getTime() + 3600_000)), 'SIGNATURE_MISMATCH')
    expect(gitlabSource.optionsSchema.safeParse({ auth: 'hmac' }).success).toBe(false)
  })
})

