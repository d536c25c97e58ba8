import { describe, expect, it } from 'vitest'
import { buildEnvelopes } from '../../../src/sources/build-envelopes.ts'
import { npmSource } from '../../../src/sources/npm.ts'
import { fixtureJson, fixtureText } from '../../helpers/fixtures.ts'
import { hmacHex, npmHeaders } from '../../helpers/sign.ts'
import { expectCode, inbound, sourceConfig } from './request.ts'

const SECRET = 'npm-hook-secret'
const source = sourceConfig('npm', [SECRET])
const body = fixtureText('npm/package-publish')

describe('npm source', () => {
  it('verifies x-npm-signature and normalizes a publish', () => {
    const req = inbound(npmHeaders(SECRET, body), body)
    expect(req.headers['x-npm-signature']).toBe(`sha256=${hmacHex('sha256', SECRET, body)}`)
    expect(() => npmSource.verify(req, source)).not.toThrow()
    const parsed = npmSource.parse(req, source)
    expect(parsed).toMatchObject({ event: 'package:publish', deliveryId: null, ping: false, pushes: [], pullRequest: null })
    expect(parsed.package).toEqual({
      feed: null,
      name: '@acme/widgets',
      version: '2.4.1',
      event: 'package:publish',
      user: 'jdoe',
    })
  })

  it('deduplicates on the body: the hook time makes each delivery distinct', () => {
    const again = JSON.stringify({ ...fixtureJson('npm/package-publish'), time: 1715934602999 })
    const [first] = buildEnvelopes(source, inbound(npmHeaders(SECRET, body), body), npmSource.parse(inbound({}, body), source), new Date())
    const [second] = buildEnvelopes(source, inbound(npmHeaders(SECRET, again), again), npmSource.parse(inbound({}, again), source), new Date())
    expect(first?.delivery).toMatch(/^[0-9a-f]{32}$/)
    expect(first?.delivery).not.toBe(second?.delivery)
  })

  it('reads a star event: no version, the starring user', () => {
    const star = JSON.stringify({ event: 'package:star', name: 'left-pad', type: 'package', change: { user: 'sam' } })
    expect(npmSource.parse(inbound(npmHeaders(SECRET, star), star), source).package).toEqual({
      feed: null,
      name: 'left-pad',
      version: null,
      event: 'package:star',
      user: 'sam',
    })
  })

  it('rejects a tampered body, a wrong secret, a bare digest and a missing signature; rotates', () => {
    const headers = npmHeaders(SECRET, body)
    expectCode(() => npmSource.verify(inbound(headers, body.replace('2.4.1', '2.4.2')), source), 'SIGNATURE_MISMATCH')
    expectCode(() => npmSource.verify(inbound(npmHeaders('other', body), body), source), 'SIGNATURE_MISMATCH')
    const bare = { ...headers, 'x-npm-signature': hmacHex('sha256', SECRET, body) }
    expectCode(() => npmSource.verify(inbound(bare, body), source), 'SIGNATURE_MISMATCH')
    expectCode(() => npmSource.verify(inbound(npmHeaders(null, body), body), source), 'SIGNATURE_MISSING')
    expect(() => npmSource.verify(inbound(headers, body), sourceConfig('npm', ['old', SECRET]))).not.toThrow()
  })

  it('rejects a malformed body with BodyError and never throws on odd shapes', () => {
    expectCode(() => npmSource.parse(inbound({}, '{"event":'), source), 'BODY_INVALID')
    const odd = JSON.stringify({ event: 'package:publish', name: 'x', change: { version: '__proto__' }, payload: { versions: [] } })
    expect(npmSource.parse(inbound({}, odd), source).package).toMatchObject({ name: 'x', version: '__proto__', user: null })
  })
})
