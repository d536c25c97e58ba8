import { describe, expect, it } from 'vitest'
import { giteaSource } from '../../../src/sources/gitea.ts'
import { fixtureText } from '../../helpers/fixtures.ts'
import { formBody, giteaHeaders, signGithub } from '../../helpers/sign.ts'
import { expectCode, inbound, sourceConfig } from './request.ts'

const SECRET = 'gitea-webhook-secret'
const source = sourceConfig('gitea', [SECRET])
const body = fixtureText('gitea/push')

describe('gitea source', () => {
  it('verifies a bare-hex signature and normalizes a push', () => {
    const req = inbound(giteaHeaders(SECRET, 'push', body, { delivery: 'gitea-delivery-1' }), body)
    expect(req.headers['x-gitea-signature']).toMatch(/^[0-9a-f]{64}$/)
    expect(() => giteaSource.verify(req, source)).not.toThrow()
    const parsed = giteaSource.parse(req, source)
    expect(parsed).toMatchObject({ event: 'push', deliveryId: 'gitea-delivery-1', ping: false, package: null })
    expect(parsed.pushes).toEqual([
      {
        repo: 'acme/widgets',
        repo_url: 'https://gitea.example.com/acme/widgets',
        ref: 'refs/heads/main',
        branch: 'main',
        tag: null,
        sha: '2b4d6f8a0c2e4b6d8f0a1a3c5e7f9b2d4f6a8c0e',
        before: '1a3c5e7f9b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a',
        message: 'Tune widget cache TTL\n',
        author: 'Jane Doe',
        pusher: 'jdoe',
        created: false,
        deleted: false,
        forced: false,
        commits: [
          {
            id: '2b4d6f8a0c2e4b6d8f0a1a3c5e7f9b2d4f6a8c0e',
            message: 'Tune widget cache TTL\n',
            author: 'Jane Doe',
            url: 'https://gitea.example.com/acme/widgets/commit/2b4d6f8a0c2e4b6d8f0a1a3c5e7f9b2d4f6a8c0e',
            timestamp: '2024-05-14T11:20:31+02:00',
          },
        ],
      },
    ])
  })

  it('verifies a form-encoded hook over the JSON payload string, not the form body', () => {
    const form = formBody(body)
    const req = inbound(giteaHeaders(SECRET, 'push', body, { contentType: 'form' }), form)
    expect(() => giteaSource.verify(req, source)).not.toThrow()
    expect(giteaSource.parse(req, source).pushes[0]?.branch).toBe('main')
    // GitHub's scheme (HMAC of the form body) must not pass for Gitea
    const githubStyle = { ...req.headers, 'x-gitea-signature': signGithub(SECRET, form).slice('sha256='.length) }
    expectCode(() => giteaSource.verify(inbound(githubStyle, form), source), 'SIGNATURE_MISMATCH')
  })

  it('accepts Forgejo headers', () => {
    const gitea = giteaHeaders(SECRET, 'push', body)
    const kept = Object.entries(gitea).filter(([name]) => !/^x-(gitea|gogs)-/.test(name))
    const headers = {
      ...Object.fromEntries(kept),
      'x-forgejo-signature': gitea['x-gitea-signature'] ?? '',
      'x-forgejo-event': 'push',
      'x-forgejo-delivery': 'fj-1',
    }
    const req = inbound(headers, body)
    expect(() => giteaSource.verify(req, source)).not.toThrow()
    expect(giteaSource.parse(req, source)).toMatchObject({ event: 'push', deliveryId: 'fj-1' })
  })

  it('rejects tampering, a wrong secret and a missing signature; rotates', () => {
    const headers = giteaHeaders(SECRET, 'push', body)
    const tampered = body.replace('Tune widget', 'Tune gadget')
    expectCode(() => giteaSource.verify(inbound(headers, tampered), source), 'SIGNATURE_MISMATCH')
    const wrong = giteaHeaders('other', 'push', body)
    expectCode(() => giteaSource.verify(inbound(wrong, body), source), 'SIGNATURE_MISMATCH')
    const unsigned = giteaHeaders(null, 'push', body)
    expectCode(() => giteaSource.verify(inbound(unsigned, body), source), 'SIGNATURE_MISSING')
    const rotating = sourceConfig('gitea', ['old', SECRET])
    expect(() => giteaSource.verify(inbound(headers, body), rotating)).not.toThrow()
  })

  it('rejects malformed JSON with BodyError', () => {
    const bad = '{"ref": "refs/heads/main",'
    expectCode(() => giteaSource.parse(inbound(giteaHeaders(SECRET, 'push', bad), bad), source), 'BODY_INVALID')
  })
})
