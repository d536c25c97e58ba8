/**
 * Hostile input to the verifiers: for random bodies and secrets a correct signature verifies,
 * and every change (one byte of the body, another secret, a garbage header) is refused with a
 * VerificationError; nothing else is ever thrown and nothing wrong is ever accepted.
 */
import { createHmac } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { VerificationError } from '../../../src/errors.ts'
import { sourceTypes } from '../../../src/sources/index.ts'
import type { InboundRequest, SourceConfig } from '../../../src/sources/types.ts'
import { formBody, signBitbucket, signGitea, signGithub } from '../../helpers/sign.ts'
import { anyBytes, anySecret, expectThrows, FC, garbageSignature, outcome } from './arbitraries.ts'

interface Signer {
  label: string
  type: string
  header: string
  options?: Record<string, unknown>
  sign(secret: string, body: Buffer): string
}

const hmac = (algorithm: string, secret: string, body: Buffer, encoding: 'hex' | 'base64' = 'hex') =>
  createHmac(algorithm, secret).update(body).digest(encoding)

/** Every verifier that signs the raw body bytes. */
const SIGNERS: Signer[] = [
  { label: 'github', type: 'github', header: 'x-hub-signature-256', sign: signGithub },
  { label: 'bitbucket', type: 'bitbucket', header: 'x-hub-signature', sign: (s, b) => signBitbucket(s, b) },
  { label: 'bitbucket-server sha256', type: 'bitbucket-server', header: 'x-hub-signature', sign: (s, b) => signBitbucket(s, b) },
  { label: 'bitbucket-server sha1', type: 'bitbucket-server', header: 'x-hub-signature', sign: (s, b) => signBitbucket(s, b, 'sha1') },
  { label: 'gitea (json)', type: 'gitea', header: 'x-gitea-signature', sign: signGitea },
  {
    label: 'generic hmac sha256 hex',
    type: 'generic',
    header: 'x-signature',
    options: { hmac: { header: 'X-Signature', prefix: 'sha256=' } },
    sign: (s, b) => `sha256=${hmac('sha256', s, b)}`,
  },
  {
    label: 'generic hmac sha512 base64',
    type: 'generic',
    header: 'x-sig',
    options: { hmac: { header: 'X-Sig', algorithm: 'sha512', encoding: 'base64' } },
    sign: (s, b) => hmac('sha512', s, b, 'base64'),
  },
  {
    label: 'generic hmac sha1 hex',
    type: 'generic',
    header: 'x-sig',
    options: { hmac: { header: 'X-Sig', algorithm: 'sha1' } },
    sign: (s, b) => hmac('sha1', s, b),
  },
]

function request(headers: Record<string, string>, body: Buffer, query: Record<string, string> = {}): InboundRequest {
  return { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, query, rawBody: body }
}

function source(type: string, secret: string, options: Record<string, unknown> = {}): SourceConfig {
  return { name: `${type}-hostile`, type, secrets: [secret], options }
}

/** Runs the source type's verifier: true when it accepted, else the error it threw. */
function verify(src: SourceConfig, req: InboundRequest): unknown {
  const result = outcome(() => sourceTypes.get(src.type)!.verify(req, src))
  return result.ok ? true : result.error
}

function expectRefused(src: SourceConfig, req: InboundRequest): void {
  const result = verify(src, req)
  expect(result, 'a hostile request was accepted').not.toBe(true)
  expect(result).toBeInstanceOf(VerificationError)
}

describe.each(SIGNERS)('verifier $label', (signer) => {
  it('accepts the correct signature for any body and secret', () => {
    fc.assert(
      fc.property(anyBytes, anySecret, (body, secret) => {
        const src = source(signer.type, secret, signer.options)
        expect(verify(src, request({ [signer.header]: signer.sign(secret, body) }, body))).toBe(true)
      }),
      FC
    )
  })

  it('refuses any single-byte change of the body', () => {
    const changed = fc
      .tuple(anyBytes.filter((b) => b.length > 0), anySecret, fc.nat(), fc.integer({ min: 1, max: 255 }))
      .map(([body, secret, at, xor]) => {
        const tampered = Buffer.from(body)
        const i = at % body.length
        tampered[i] = tampered[i]! ^ xor
        return { body, secret, tampered }
      })
    fc.assert(
      fc.property(changed, ({ body, secret, tampered }) => {
        const src = source(signer.type, secret, signer.options)
        expectRefused(src, request({ [signer.header]: signer.sign(secret, body) }, tampered))
      }),
      FC
    )
  })

  it('refuses a signature made with another secret', () => {
    fc.assert(
      fc.property(anyBytes, anySecret, anySecret, (body, secret, other) => {
        fc.pre(other !== secret)
        const src = source(signer.type, secret, signer.options)
        expectRefused(src, request({ [signer.header]: signer.sign(other, body) }, body))
      }),
      FC
    )
  })

  it('refuses garbage signature headers without crashing', () => {
    fc.assert(
      fc.property(anyBytes, anySecret, garbageSignature, (body, secret, garbage) => {
        const src = source(signer.type, secret, signer.options)
        expectRefused(src, request({ [signer.header]: garbage }, body))
      }),
      FC
    )
  })

  it('refuses a missing signature, and a signature in another header', () => {
    const body = Buffer.from('{"hello":"world"}')
    const src = source(signer.type, 's3cret', signer.options)
    expectRefused(src, request({}, body))
    expectRefused(src, request({ 'x-other-signature': signer.sign('s3cret', body) }, body))
  })
})

describe('gitea form posts (signature over the decoded payload field)', () => {
  const form = { 'content-type': 'application/x-www-form-urlencoded' }

  it('accepts the correct signature and refuses a changed payload for any JSON', () => {
    fc.assert(
      fc.property(fc.json(), anySecret, fc.nat(), (json, secret, at) => {
        const src = source('gitea', secret)
        const body = Buffer.from(formBody(json))
        expect(verify(src, request({ ...form, 'x-gitea-signature': signGitea(secret, json) }, body))).toBe(true)
        const i = at % json.length
        const changed = `${json.slice(0, i)}${json[i] === 'x' ? 'y' : 'x'}${json.slice(i + 1)}`
        expectRefused(src, request({ ...form, 'x-gitea-signature': signGitea(secret, json) }, Buffer.from(formBody(changed))))
      }),
      FC
    )
  })

  it('refuses invalid UTF-8 in a signed form body with a VerificationError, not a 400 before authentication', () => {
    const src = source('gitea', 's3cret')
    const body = Buffer.concat([Buffer.from('payload=%7B%7D&x='), Buffer.from([0xc0, 0xaf, 0xff])])
    expectThrows(() => sourceTypes.get('gitea')!.verify(request({ ...form, 'x-gitea-signature': signGitea('s3cret', '{}') }, body), src), VerificationError)
  })

  it('refuses random form bytes with a VerificationError', () => {
    fc.assert(
      fc.property(anyBytes, garbageSignature, (body, garbage) => {
        expectRefused(source('gitea', 's3cret'), request({ ...form, 'x-gitea-signature': garbage }, body))
      }),
      FC
    )
  })
})

describe('token verifiers', () => {
  const tokenPlaces: { label: string; type: string; present(token: string): { headers: Record<string, string>; query?: Record<string, string> } }[] = [
    { label: 'gitlab X-Gitlab-Token', type: 'gitlab', present: (t) => ({ headers: { 'x-gitlab-token': t } }) },
    { label: 'proget X-Hookyard-Token', type: 'proget', present: (t) => ({ headers: { 'x-hookyard-token': t } }) },
    { label: 'proget ?token=', type: 'proget', present: (t) => ({ headers: {}, query: { token: t } }) },
    { label: 'generic Authorization: Bearer', type: 'generic', present: (t) => ({ headers: { authorization: `Bearer ${t}` } }) },
  ]

  describe.each(tokenPlaces)('$label', (place) => {
    const verifyToken = (secret: string, token: string) => {
      const { headers, query } = place.present(token)
      return verify(source(place.type, secret), request(headers, Buffer.from('{}'), query))
    }

    it('accepts exactly the configured token', () => {
      fc.assert(
        fc.property(anySecret, (secret) => {
          expect(verifyToken(secret, secret)).toBe(true)
        }),
        FC
      )
    })

    it('refuses any other token, including garbage, without crashing', () => {
      fc.assert(
        fc.property(anySecret, fc.oneof(anySecret, garbageSignature), (secret, token) => {
          fc.pre(token.trim() !== secret)
          const result = verifyToken(secret, token)
          expect(result, 'a wrong token was accepted').not.toBe(true)
          expect(result).toBeInstanceOf(VerificationError)
        }),
        FC
      )
    })

    it('refuses a prefix or an extension of the token (no length leaks into acceptance)', () => {
      fc.assert(
        fc.property(anySecret.filter((s) => s.length > 1), (secret) => {
          expect(verifyToken(secret, secret.slice(0, -1))).toBeInstanceOf(VerificationError)
          expect(verifyToken(secret, `${secret}x`)).toBeInstanceOf(VerificationError)
        }),
        FC
      )
    })
  })

  it('fails closed when the source has no secret and did not say verify: none', () => {
    for (const type of sourceTypes.keys()) {
      const src: SourceConfig = { name: 'empty', type, secrets: [''], options: {} }
      expectRefused(src, request({ 'x-hub-signature-256': 'sha256=00', 'x-gitlab-token': '', 'x-hookyard-token': 'x' }, Buffer.from('{}')))
    }
  })
})
