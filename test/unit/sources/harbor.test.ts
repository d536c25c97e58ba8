import { describe, expect, it } from 'vitest'
import { buildEnvelopes } from '../../../src/sources/build-envelopes.ts'
import { harborSource } from '../../../src/sources/harbor.ts'
import { fixtureJson, fixtureText } from '../../helpers/fixtures.ts'
import { harborHeaders } from '../../helpers/sign.ts'
import { expectCode, inbound, sourceConfig } from './request.ts'

const AUTH = 'Bearer harbor-policy-3f1c9a'
const source = sourceConfig('harbor', [AUTH])
const body = fixtureText('harbor/push-artifact')

describe('harbor source', () => {
  it('verifies the configured auth header value and normalizes PUSH_ARTIFACT', () => {
    const req = inbound(harborHeaders(AUTH), body)
    expect(() => harborSource.verify(req, source)).not.toThrow()
    const parsed = harborSource.parse(req, source)
    expect(parsed).toMatchObject({ event: 'PUSH_ARTIFACT', deliveryId: null, ping: false, pushes: [], pullRequest: null })
    expect(parsed.packages).toBeUndefined()
    expect(parsed.package).toEqual({
      feed: 'test-webhook',
      name: 'test-webhook/debian',
      version: 'latest',
      event: 'PUSH_ARTIFACT',
      user: 'admin',
      registry: 'harbor.example.com',
    })
  })

  it('yields one envelope per artifact, each with its own tag (the digest when untagged)', () => {
    const payload = fixtureJson('harbor/push-artifact')
    const data = payload['event_data'] as { resources: unknown[] }
    data.resources.push(
      { digest: 'sha256:1f2e3d', tag: 'v2.1.0', resource_url: 'harbor.example.com/test-webhook/debian:v2.1.0' },
      { digest: 'sha256:4c5b6a', resource_url: 'harbor.example.com/test-webhook/debian@sha256:4c5b6a' }
    )
    const text = JSON.stringify(payload)
    const req = inbound(harborHeaders(AUTH), text)
    const envelopes = buildEnvelopes(source, req, harborSource.parse(req, source), new Date())
    expect(envelopes.map((e) => e.package?.version)).toEqual(['latest', 'v2.1.0', 'sha256:4c5b6a'])
    expect(new Set(envelopes.map((e) => e.delivery)).size).toBe(1)
    expect(envelopes.every((e) => e.push === null && e.package?.name === 'test-webhook/debian')).toBe(true)
  })

  it('has no package view for events without artifacts', () => {
    const replication = JSON.stringify({ type: 'REPLICATION', occur_at: 1, operator: 'MANUAL', event_data: { replication: { policy_creator: 'admin' } } })
    expect(harborSource.parse(inbound(harborHeaders(AUTH), replication), source).package).toBeNull()
  })

  it('rejects another value, the bare token, a missing header; rotates', () => {
    expectCode(() => harborSource.verify(inbound(harborHeaders('Bearer guess'), body), source), 'SIGNATURE_MISMATCH')
    expectCode(() => harborSource.verify(inbound(harborHeaders('harbor-policy-3f1c9a'), body), source), 'SIGNATURE_MISMATCH')
    expectCode(() => harborSource.verify(inbound(harborHeaders(null), body), source), 'SIGNATURE_MISSING')
    expect(() => harborSource.verify(inbound(harborHeaders(AUTH), body), sourceConfig('harbor', ['Bearer old', AUTH]))).not.toThrow()
  })

  it('rejects malformed JSON with BodyError', () => {
    expectCode(() => harborSource.parse(inbound(harborHeaders(AUTH), '{"type":'), source), 'BODY_INVALID')
  })
})
