import { describe, expect, it } from 'vitest'
import { buildEnvelopes } from '../../../src/sources/build-envelopes.ts'
import { dockerHubSource } from '../../../src/sources/docker-hub.ts'
import { fixtureJson, fixtureText } from '../../helpers/fixtures.ts'
import { expectCode, inbound, sourceConfig } from './request.ts'

const TOKEN = 'docker-hub-relay-token'
const source = sourceConfig('docker-hub', [TOKEN])
const body = fixtureText('docker-hub/push')
const json = { 'content-type': 'application/json', 'user-agent': 'Go-http-client/1.1' }

describe('docker-hub source', () => {
  it('verifies the URL token and normalizes the documented push', () => {
    const req = inbound(json, body, { token: TOKEN })
    expect(() => dockerHubSource.verify(req, source)).not.toThrow()
    const parsed = dockerHubSource.parse(req, source)
    expect(parsed).toMatchObject({ event: 'push', deliveryId: null, ping: false, pushes: [], pullRequest: null })
    expect(parsed.package).toEqual({
      feed: 'svendowideit',
      name: 'svendowideit/testhook',
      version: 'latest',
      event: 'push',
      user: 'trustedbuilder',
    })
  })

  it('tells two pushes of the same tag apart by their body (pushed_at)', () => {
    const later = JSON.stringify({ ...fixtureJson('docker-hub/push'), push_data: { pushed_at: 1417566999, pusher: 'trustedbuilder', tag: 'latest' } })
    const delivery = (text: string) => buildEnvelopes(source, inbound(json, text), dockerHubSource.parse(inbound(json, text), source), new Date())[0]?.delivery
    expect(delivery(body)).not.toBe(delivery(later))
    expect(delivery(body)).toBe(delivery(body))
  })

  it('accepts the token as header or bearer too; rejects a wrong or missing token', () => {
    expect(() => dockerHubSource.verify(inbound({ ...json, 'x-hookyard-token': TOKEN }, body), source)).not.toThrow()
    expect(() => dockerHubSource.verify(inbound({ ...json, authorization: `Bearer ${TOKEN}` }, body), source)).not.toThrow()
    expectCode(() => dockerHubSource.verify(inbound(json, body, { token: 'guess' }), source), 'SIGNATURE_MISMATCH')
    expectCode(() => dockerHubSource.verify(inbound(json, body), source), 'SIGNATURE_MISSING')
    expect(() => dockerHubSource.verify(inbound(json, body, { token: TOKEN }), sourceConfig('docker-hub', ['old', TOKEN]))).not.toThrow()
  })

  it('has no package view for a body without repository or tag; rejects malformed JSON', () => {
    expect(dockerHubSource.parse(inbound(json, '{"callback_url":"x"}'), source).package).toBeNull()
    expectCode(() => dockerHubSource.parse(inbound(json, '{"push_data":'), source), 'BODY_INVALID')
  })
})
