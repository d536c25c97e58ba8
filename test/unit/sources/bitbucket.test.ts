import { describe, expect, it } from 'vitest'
import { bitbucketSource } from '../../../src/sources/bitbucket.ts'
import { buildEnvelopes } from '../../../src/sources/build-envelopes.ts'
import { fixtureJson, fixtureText } from '../../helpers/fixtures.ts'
import { bitbucketHeaders } from '../../helpers/sign.ts'
import { expectCode, inbound, sourceConfig } from './request.ts'

const SECRET = 'bb-webhook-secret'
const source = sourceConfig('bitbucket', [SECRET])
const body = fixtureText('bitbucket/repo-push')

describe('bitbucket (cloud) source', () => {
  it('verifies and yields one push per change', () => {
    const req = inbound(bitbucketHeaders(SECRET, 'repo:push', body, { delivery: 'req-1' }), body)
    expect(() => bitbucketSource.verify(req, source)).not.toThrow()
    const parsed = bitbucketSource.parse(req, source)
    expect(parsed).toMatchObject({ event: 'repo:push', deliveryId: 'req-1', ping: false, package: null })
    expect(parsed.pushes).toHaveLength(2)
    const [branch, tag] = parsed.pushes
    expect(branch).toMatchObject({
      repo: 'acme-team/widgets',
      repo_url: 'https://bitbucket.org/acme-team/widgets',
      ref: 'refs/heads/main',
      branch: 'main',
      tag: null,
      sha: 'c3d4e5f60718293a4b5c6d7e8f9012345678901a',
      before: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      message: 'Bump widget schema to v4\n',
      author: 'Jane Doe',
      pusher: 'Jane Doe',
      created: false,
      deleted: false,
      forced: false,
    })
    expect(branch?.commits).toEqual([
      {
        id: 'c3d4e5f60718293a4b5c6d7e8f9012345678901a',
        message: 'Bump widget schema to v4\n',
        author: 'Jane Doe',
        url: 'https://bitbucket.org/acme-team/widgets/commits/c3d4e5f60718293a4b5c6d7e8f9012345678901a',
        timestamp: '2024-05-14T10:02:11+00:00',
      },
      expect.objectContaining({ id: 'b2c3d4e5f60718293a4b5c6d7e8f901234567890', author: 'Sam Roe' }),
    ])
    expect(tag).toMatchObject({ ref: 'refs/tags/v1.4.0', branch: null, tag: 'v1.4.0', before: null, created: true })
  })

  it('builds one envelope per change', () => {
    const req = inbound(bitbucketHeaders(SECRET, 'repo:push', body, { delivery: 'req-2' }), body)
    const envelopes = buildEnvelopes(source, req, bitbucketSource.parse(req, source), new Date('2024-05-14T10:05:01Z'))
    expect(envelopes).toHaveLength(2)
    expect(envelopes.map((e) => e.push?.ref)).toEqual(['refs/heads/main', 'refs/tags/v1.4.0'])
    expect(envelopes.map((e) => e.delivery)).toEqual(['req-2', 'req-2'])
    expect(envelopes[0]).toMatchObject({ source: 'bitbucket-hooks', type: 'bitbucket', event: 'repo:push' })
  })

  it('normalizes a deleted branch from old', () => {
    const payload = fixtureJson('bitbucket/repo-push')
    const changes = (payload['push'] as { changes: Record<string, unknown>[] }).changes
    const deletion = { ...changes[0], new: null, closed: true, commits: [] }
    const text = JSON.stringify({ ...payload, push: { changes: [deletion] } })
    const [pushView] = bitbucketSource.parse(inbound(bitbucketHeaders(SECRET, 'repo:push', text), text), source).pushes
    expect(pushView).toMatchObject({ ref: 'refs/heads/main', branch: 'main', sha: null, deleted: true, message: null })
  })

  it('gives no push view for other events', () => {
    const pr = JSON.stringify({ pullrequest: { id: 1 } })
    const req = inbound(bitbucketHeaders(SECRET, 'pullrequest:created', pr), pr)
    expect(bitbucketSource.parse(req, source).pushes).toEqual([])
  })

  it('rejects tampering, a wrong secret and a missing signature; rotates', () => {
    const headers = bitbucketHeaders(SECRET, 'repo:push', body)
    const tampered = body.replace('"forced": false', '"forced": true')
    expectCode(() => bitbucketSource.verify(inbound(headers, tampered), source), 'SIGNATURE_MISMATCH')
    const wrong = bitbucketHeaders('other', 'repo:push', body)
    expectCode(() => bitbucketSource.verify(inbound(wrong, body), source), 'SIGNATURE_MISMATCH')
    const unsigned = bitbucketHeaders(null, 'repo:push', body)
    expectCode(() => bitbucketSource.verify(inbound(unsigned, body), source), 'SIGNATURE_MISSING')
    const rotating = sourceConfig('bitbucket', ['old', SECRET])
    expect(() => bitbucketSource.verify(inbound(headers, body), rotating)).not.toThrow()
  })
})
