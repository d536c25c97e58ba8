import { describe, expect, it } from 'vitest'
import { bitbucketServerSource } from '../../../src/sources/bitbucket-server.ts'
import { fixtureJson, fixtureText } from '../../helpers/fixtures.ts'
import { bitbucketServerHeaders } from '../../helpers/sign.ts'
import { expectCode, inbound, sourceConfig } from './request.ts'

const SECRET = 'bbs-webhook-secret'
const source = sourceConfig('bitbucket-server', [SECRET])
const body = fixtureText('bitbucket-server/repo-refs-changed')
const TO = '6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a'

function parseRefsChanged(text: string) {
  const req = inbound(bitbucketServerHeaders(SECRET, 'repo:refs_changed', text), text)
  return bitbucketServerSource.parse(req, source).pushes
}

describe('bitbucket-server source', () => {
  it('verifies and normalizes repo:refs_changed, one push per change', () => {
    const req = inbound(bitbucketServerHeaders(SECRET, 'repo:refs_changed', body, { delivery: 'rid-1' }), body)
    expect(() => bitbucketServerSource.verify(req, source)).not.toThrow()
    const parsed = bitbucketServerSource.parse(req, source)
    expect(parsed).toMatchObject({ event: 'repo:refs_changed', deliveryId: 'rid-1', ping: false })
    expect(parsed.pushes).toEqual([
      {
        repo: 'ACME/widgets',
        repo_url: 'https://bitbucket.example.com/projects/ACME/repos/widgets/browse',
        ref: 'refs/heads/main',
        branch: 'main',
        tag: null,
        sha: TO,
        before: '5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f',
        message: null,
        author: null,
        pusher: 'jdoe',
        created: false,
        deleted: false,
        forced: false,
        commits: [],
      },
      expect.objectContaining({ ref: 'refs/tags/v1.4.0', tag: 'v1.4.0', sha: TO, before: null, created: true }),
    ])
  })

  it('reads commit details where newer Data Center versions send them', () => {
    const payload = fixtureJson('bitbucket-server/repo-refs-changed')
    const changes = payload['changes'] as unknown[]
    const author = { name: 'jdoe', displayName: 'Jane Doe' }
    const commits = [{ id: TO, displayId: TO.slice(0, 11), message: 'Ship it', author, authorTimestamp: 1715680981000 }]
    const text = JSON.stringify({ ...payload, changes: changes.slice(0, 1), commits })
    const [pushView] = parseRefsChanged(text)
    expect(pushView).toMatchObject({ message: 'Ship it', author: 'Jane Doe' })
    expect(pushView?.commits).toEqual([
      { id: TO, message: 'Ship it', author: 'Jane Doe', url: null, timestamp: '2024-05-14T10:03:01.000Z' },
    ])
  })

  it('marks a DELETE change as deleted with a null sha', () => {
    const payload = fixtureJson('bitbucket-server/repo-refs-changed')
    const ref = { id: 'refs/heads/feature/wip', displayId: 'feature/wip', type: 'BRANCH' }
    const change = { ref, refId: ref.id, fromHash: TO, toHash: '0'.repeat(40), type: 'DELETE' }
    const text = JSON.stringify({ ...payload, changes: [change] })
    const [pushView] = parseRefsChanged(text)
    expect(pushView).toMatchObject({ branch: 'feature/wip', sha: null, before: TO, deleted: true, created: false })
  })

  it('accepts sha1= signatures from older servers', () => {
    const req = inbound(bitbucketServerHeaders(SECRET, 'repo:refs_changed', body, { algorithm: 'sha1' }), body)
    expect(() => bitbucketServerSource.verify(req, source)).not.toThrow()
  })

  it('answers diagnostics:ping as a ping, whatever its body', () => {
    const req = inbound(bitbucketServerHeaders(SECRET, 'diagnostics:ping', 'not json'), 'not json')
    expect(() => bitbucketServerSource.verify(req, source)).not.toThrow()
    const parsed = bitbucketServerSource.parse(req, source)
    expect(parsed).toMatchObject({ event: 'diagnostics:ping', ping: true, body: null, pushes: [] })
  })

  it('rejects tampering, a wrong secret and a missing signature; rotates', () => {
    const headers = bitbucketServerHeaders(SECRET, 'repo:refs_changed', body)
    const tampered = body.replace('"UPDATE"', '"DELETE"')
    expectCode(() => bitbucketServerSource.verify(inbound(headers, tampered), source), 'SIGNATURE_MISMATCH')
    const wrong = bitbucketServerHeaders('other', 'repo:refs_changed', body)
    expectCode(() => bitbucketServerSource.verify(inbound(wrong, body), source), 'SIGNATURE_MISMATCH')
    const unsigned = bitbucketServerHeaders(null, 'repo:refs_changed', body)
    expectCode(() => bitbucketServerSource.verify(inbound(unsigned, body), source), 'SIGNATURE_MISSING')
    const rotating = sourceConfig('bitbucket-server', ['old', SECRET])
    expect(() => bitbucketServerSource.verify(inbound(headers, body), rotating)).not.toThrow()
  })
})
