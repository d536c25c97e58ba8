import { createHmac } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildEnvelopes } from '../../../src/sources/build-envelopes.ts'
import { standardWebhooksSource } from '../../../src/sources/standard-webhooks.ts'
import { standardWebhooksHeaders } from '../../helpers/sign.ts'
import { expectCode, inbound, sourceConfig, thrown } from './request.ts'

const SECRET = 'whsec_' + Buffer.from('svix-style-secret-of-32-bytes!!!').toString('base64')
const OLD_SECRET = 'whsec_' + Buffer.from('the-secret-before-the-rotation!!').toString('base64')
const source = sourceConfig('standard-webhooks', [SECRET])
// the specification's payload structure: type, timestamp, data
const body = JSON.stringify({ type: 'invoice.paid', timestamp: '2026-12-04T03:00:00Z', data: { id: 'in_42', amount: 1200 } })
const at = new Date('2026-12-04T03:00:00Z')

const verify = (headers: Record<string, string>, payload = body, when = at, config = source) =>
  () => standardWebhooksSource.verify(inbound(headers, payload), config, when)

describe('standard-webhooks source', () => {
  it('verifies what the reference library signs and reads type and webhook-id', () => {
    const headers = standardWebhooksHeaders(SECRET, 'msg_2Lq8', body, at)
    expect(verify(headers)).not.toThrow()
    const req = inbound(headers, body)
    const parsed = standardWebhooksSource.parse(req, source)
    expect(parsed).toMatchObject({ event: 'invoice.paid', deliveryId: 'msg_2Lq8', ping: false, pushes: [], pullRequest: null, package: null })
    const [envelope] = buildEnvelopes(source, req, parsed, at)
    expect(envelope?.delivery).toBe('msg_2Lq8')
  })

  it('accepts any of several signatures and any configured secret (rotation on both sides)', () => {
    const mine = standardWebhooksHeaders(SECRET, 'msg_1', body, at)['webhook-signature']!
    const theirs = standardWebhooksHeaders(OLD_SECRET, 'msg_1', body, at)['webhook-signature']!
    const headers = { ...standardWebhooksHeaders(null, 'msg_1', body, at), 'webhook-signature': `v1a,ignored ${theirs} ${mine}` }
    expect(verify(headers)).not.toThrow()
    expect(verify(standardWebhooksHeaders(OLD_SECRET, 'msg_1', body, at), body, at, sourceConfig('standard-webhooks', [SECRET, OLD_SECRET]))).not.toThrow()
    expectCode(verify(standardWebhooksHeaders(OLD_SECRET, 'msg_1', body, at)), 'SIGNATURE_MISMATCH')
  })

  it('refuses a changed body, id or timestamp', () => {
    const headers = standardWebhooksHeaders(SECRET, 'msg_1', body, at)
    expectCode(verify(headers, body.replace('1200', '9900')), 'SIGNATURE_MISMATCH')
    expectCode(verify({ ...headers, 'webhook-id': 'msg_2' }), 'SIGNATURE_MISMATCH')
    const oneSecondLater = String(Number(headers['webhook-timestamp']) + 1)
    expectCode(verify({ ...headers, 'webhook-timestamp': oneSecondLater }), 'SIGNATURE_MISMATCH')
  })

  it('refuses a timestamp more than 5 minutes away, with the reason in the log', () => {
    const headers = standardWebhooksHeaders(SECRET, 'msg_1', body, at)
    expect(verify(headers, body, new Date(at.getTime() + 299_000))).not.toThrow()
    expect(thrown(verify(headers, body, new Date(at.getTime() + 301_000)))).toMatchObject({
      code: 'SIGNATURE_MISMATCH',
      message: expect.stringContaining('301 s old'),
    })
    expect(thrown(verify(headers, body, new Date(at.getTime() - 600_000)))).toMatchObject({
      message: expect.stringContaining('600 s in the future'),
    })
    expectCode(verify({ ...headers, 'webhook-timestamp': '2026-12-04T03:00:00Z' }), 'SIGNATURE_MISMATCH')
  })

  it('names a missing header; verify: none takes unsigned posts; no secret and no opt-out refuses', () => {
    const headers = standardWebhooksHeaders(SECRET, 'msg_1', body, at)
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const without = Object.fromEntries(Object.entries(headers).filter(([k]) => k !== name))
      expect(thrown(verify(without))).toMatchObject({ code: 'SIGNATURE_MISSING', message: `${name} header is missing` })
    }
    expect(verify({}, body, at, sourceConfig('standard-webhooks', [], { verify: 'none' }))).not.toThrow()
    expectCode(verify(headers, body, at, sourceConfig('standard-webhooks', [''])), 'SIGNATURE_MISMATCH')
  })

  it('calls an event without a type "message"', () => {
    const plain = JSON.stringify({ n: 1 })
    expect(standardWebhooksSource.parse(inbound(standardWebhooksHeaders(SECRET, 'm', plain), plain), source).event).toBe('message')
  })

  it('for any body bytes: the signed request verifies, and changing any one byte does not', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 256 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (bytes, at, flip) => {
        const raw = Buffer.from(bytes)
        const headers = { 'webhook-id': 'msg_p', 'webhook-timestamp': '1796352000' }
        const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64')
        const signature = createHmac('sha256', key).update(Buffer.concat([Buffer.from('msg_p.1796352000.'), raw])).digest('base64')
        const signed = { ...headers, 'webhook-signature': `v1,${signature}` }
        const when = new Date(1_796_352_000_000)
        expect(() => standardWebhooksSource.verify({ method: 'POST', headers: signed, query: {}, rawBody: raw }, source, when)).not.toThrow()
        const tampered = Buffer.from(raw)
        tampered[at % raw.length] = tampered[at % raw.length]! ^ flip
        expectCode(() => standardWebhooksSource.verify({ method: 'POST', headers: signed, query: {}, rawBody: tampered }, source, when), 'SIGNATURE_MISMATCH')
      })
    )
  })
})

