import { describe, expect, it } from 'vitest'
import { presentedTokens, tokenEquals, verifyToken } from '../../../src/sources/token.ts'
import { expectCode, inbound, sourceConfig, thrown } from './request.ts'

const source = sourceConfig('proget', ['t0ken-a', 't0ken-b'])

describe('shared token', () => {
  it('reads the token from ?token=, X-Hookyard-Token and Authorization: Bearer', () => {
    expect(presentedTokens(inbound({}, '', { token: 'q' }))).toEqual(['q'])
    expect(presentedTokens(inbound({ 'x-hookyard-token': 'h' }, ''))).toEqual(['h'])
    expect(presentedTokens(inbound({ authorization: 'Bearer b' }, ''))).toEqual(['b'])
    expect(presentedTokens(inbound({ authorization: 'Basic dXNlcjpwYXNz' }, ''))).toEqual([])
  })

  it('accepts any configured secret in any place', () => {
    expect(() => verifyToken(inbound({}, '', { token: 't0ken-a' }), source)).not.toThrow()
    expect(() => verifyToken(inbound({ 'x-hookyard-token': 't0ken-b' }, ''), source)).not.toThrow()
    expect(() => verifyToken(inbound({ authorization: 'bearer t0ken-b' }, ''), source)).not.toThrow()
  })

  it('rejects a wrong token and reports a missing one', () => {
    expect(thrown(() => verifyToken(inbound({}, '', { token: 't0ken-c' }), source))).toMatchObject({
      code: 'SIGNATURE_MISMATCH',
    })
    expectCode(() => verifyToken(inbound({}, ''), source), 'SIGNATURE_MISSING')
  })

  it('compares exactly (no prefix or length tricks)', () => {
    expect(tokenEquals('t0ken-a', 't0ken-a')).toBe(true)
    expect(tokenEquals('t0ken-a ', 't0ken-a')).toBe(false)
    expect(tokenEquals('t0ken', 't0ken-a')).toBe(false)
  })
})
