import { describe, expect, it } from 'vitest'
import { VerificationError } from '../../../src/errors.ts'
import { hmacDigest, safeEqual, verifyHmac } from '../../../src/sources/hmac.ts'
import { secretsFor } from '../../../src/sources/secrets.ts'
import { signGithub } from '../../helpers/sign.ts'
import { expectCode, sourceConfig, thrown } from './request.ts'

const check = (value: string | undefined) => ({
  header: 'X-Sig',
  value,
  data: Buffer.from('Hello, World!'),
  algorithm: 'sha256' as const,
  prefix: 'sha256=',
})

describe('hmac', () => {
  it('reproduces the GitHub documentation vector', () => {
    const digest = hmacDigest('sha256', "It's a Secret to Everybody", Buffer.from('Hello, World!'))
    expect(`sha256=${digest}`).toBe('sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17')
    expect(signGithub("It's a Secret to Everybody", 'Hello, World!')).toBe(`sha256=${digest}`)
  })

  it('compares in constant time and rejects different lengths', () => {
    expect(safeEqual('abc', 'abc')).toBe(true)
    expect(safeEqual('abc', 'abd')).toBe(false)
    expect(safeEqual('abc', 'abcd')).toBe(false)
    expect(safeEqual('', '')).toBe(true)
  })

  it('accepts a signature made with any configured secret (rotation)', () => {
    const source = sourceConfig('generic', ['old-secret', "It's a Secret to Everybody"])
    expect(() => verifyHmac(source, check(signGithub("It's a Secret to Everybody", 'Hello, World!')))).not.toThrow()
  })

  it('accepts upper-case hex digests', () => {
    const source = sourceConfig('generic', ['k'])
    const value = `sha256=${hmacDigest('sha256', 'k', 'Hello, World!').toUpperCase()}`
    expect(() => verifyHmac(source, check(value))).not.toThrow()
  })

  it('reports a missing header and a wrong prefix distinctly', () => {
    const source = sourceConfig('generic', ['k'])
    expectCode(() => verifyHmac(source, check(undefined)), 'SIGNATURE_MISSING')
    const noPrefix = hmacDigest('sha256', 'k', 'Hello, World!')
    expectCode(() => verifyHmac(source, check(noPrefix)), 'SIGNATURE_MISMATCH')
  })

  it('supports base64 digests', () => {
    const source = sourceConfig('generic', ['k'])
    const value = hmacDigest('sha512', 'k', 'Hello, World!', 'base64')
    const data = 'Hello, World!'
    const b64 = { header: 'X-Sig', value, data, algorithm: 'sha512' as const, encoding: 'base64' as const }
    expect(() => verifyHmac(source, b64)).not.toThrow()
    expect(thrown(() => verifyHmac(source, { ...b64, value: value.toLowerCase() }))).toBeInstanceOf(VerificationError)
  })
})

describe('secretsFor', () => {
  it('skips verification only with an explicit verify: none', () => {
    expect(secretsFor(sourceConfig('github', [], { verify: 'none' }))).toBeNull()
    expect(() => verifyHmac(sourceConfig('github', [], { verify: 'none' }), check(undefined))).not.toThrow()
  })

  it('fails closed when a source has no secret and no verify: none', () => {
    expectCode(() => secretsFor(sourceConfig('github', [])), 'SIGNATURE_MISMATCH')
    // a secret variable that expanded to an empty string is no secret at all
    expect(thrown(() => secretsFor(sourceConfig('github', ['']))))
      .toBeInstanceOf(VerificationError)
  })
})
