import { describe, expect, it } from 'vitest'
import { nexusSource } from '../../../src/sources/nexus.ts'
import { fixtureText } from '../../helpers/fixtures.ts'
import { hmacHex, nexusHeaders } from '../../helpers/sign.ts'
import { expectCode, inbound, sourceConfig } from './request.ts'

const SECRET = 'nexus-webhook-secret-key'
const source = sourceConfig('nexus', [SECRET])
const body = fixtureText('nexus/component-created')
const COMPONENT = 'rm:repository:component'

describe('nexus source', () => {
  it('verifies the HMAC-SHA1 signature and normalizes a created component', () => {
    const req = inbound(nexusHeaders(SECRET, COMPONENT, body, { delivery: 'nx-1' }), body)
    expect(req.headers['x-nexus-webhook-signature']).toBe(hmacHex('sha1', SECRET, body))
    expect(() => nexusSource.verify(req, source)).not.toThrow()
    const parsed = nexusSource.parse(req, source)
    expect(parsed).toMatchObject({ event: COMPONENT, deliveryId: 'nx-1', ping: false, pushes: [], pullRequest: null })
    expect(parsed.package).toEqual({
      feed: 'npm-proxy',
      name: 'angular2',
      version: '2.0.0-beta.21',
      event: 'CREATED',
      user: 'admin',
    })
  })

  it('writes grouped names the way each format does', () => {
    const component = (format: string, group: string) =>
      JSON.stringify({ repositoryName: 'r', action: 'CREATED', initiator: 'ci', component: { format, group, name: 'widgets', version: '1.0.0' } })
    const name = (text: string) => nexusSource.parse(inbound(nexusHeaders(SECRET, COMPONENT, text), text), source).package?.name
    expect(name(component('maven2', 'com.acme'))).toBe('com.acme:widgets')
    expect(name(component('npm', 'acme'))).toBe('@acme/widgets')
    expect(name(component('raw', 'tools'))).toBe('tools/widgets')
  })

  it('names the asset of an asset event, and has no package view for global events', () => {
    const asset = JSON.stringify({ repositoryName: 'maven-releases', action: 'DELETED', initiator: 'anonymous/10.0.0.5', asset: { format: 'maven2', name: 'com/acme/widgets/1.0.0/widgets-1.0.0.jar' } })
    expect(nexusSource.parse(inbound(nexusHeaders(SECRET, 'rm:repository:asset', asset), asset), source).package).toEqual({
      feed: 'maven-releases',
      name: 'com/acme/widgets/1.0.0/widgets-1.0.0.jar',
      version: null,
      event: 'DELETED',
      user: 'anonymous',
    })
    const audit = JSON.stringify({ nodeId: 'n', initiator: 'admin/127.0.0.1', audit: { domain: 'security.user', type: 'created', context: 'testuser' } })
    expect(nexusSource.parse(inbound(nexusHeaders(SECRET, 'rm:global:audit', audit), audit), source).package).toBeNull()
  })

  it('rejects a tampered body, a wrong secret, a SHA-256 signature and a missing one; rotates', () => {
    const headers = nexusHeaders(SECRET, COMPONENT, body)
    expectCode(() => nexusSource.verify(inbound(headers, body.replace('beta.21', 'beta.22')), source), 'SIGNATURE_MISMATCH')
    expectCode(() => nexusSource.verify(inbound(nexusHeaders('other', COMPONENT, body), body), source), 'SIGNATURE_MISMATCH')
    const sha256 = { ...headers, 'x-nexus-webhook-signature': hmacHex('sha256', SECRET, body) }
    expectCode(() => nexusSource.verify(inbound(sha256, body), source), 'SIGNATURE_MISMATCH')
    expectCode(() => nexusSource.verify(inbound(nexusHeaders(null, COMPONENT, body), body), source), 'SIGNATURE_MISSING')
    expect(() => nexusSource.verify(inbound(headers, body), sourceConfig('nexus', ['old', SECRET]))).not.toThrow()
  })

  it('rejects a malformed body with BodyError', () => {
    expectCode(() => nexusSource.parse(inbound(nexusHeaders(SECRET, COMPONENT, '{'), '{'), source), 'BODY_INVALID')
  })
})
