import { describe, expect, it } from 'vitest'
import { genericSource } from '../../../src/sources/generic.ts'
import { hmacDigest } from '../../../src/sources/hmac.ts'
import { tokenHeaders } from '../../helpers/sign.ts'
import { expectCode, inbound, sourceConfig } from './request.ts'

const body = '{"event":"deploy","service":"widgets","version":"1.2.3","package":"widgets"}'

describe('generic source', () => {
  it('defaults to the shared token and reads event, package and delivery header', () => {
    const source = sourceConfig('generic', ['tok'], { delivery_header: 'X-Delivery-Id' })
    const req = inbound({ ...tokenHeaders('tok'), 'x-delivery-id': 'd-1' }, body)
    expect(() => genericSource.verify(req, source)).not.toThrow()
    expect(genericSource.parse(req, source)).toMatchObject({
      event: 'deploy',
      deliveryId: 'd-1',
      ping: false,
      pushes: [],
      package: { name: 'widgets', version: '1.2.3', event: 'deploy', feed: null, user: null },
    })
    expectCode(() => genericSource.verify(inbound(tokenHeaders('bad'), body), source), 'SIGNATURE_MISMATCH')
  })

  it('falls back to event "message", no delivery id and no package view', () => {
    const parsed = genericSource.parse(inbound({}, '{"hello":"world"}'), sourceConfig('generic', ['tok']))
    expect(parsed).toMatchObject({ event: 'message', deliveryId: null, package: null, pushes: [] })
  })

  it('verifies a declared HMAC header (prefix, hex) and rotates secrets', () => {
    const options = { hmac: { header: 'X-Signature', algorithm: 'sha256', prefix: 'sha256=' } }
    const source = sourceConfig('generic', ['old', 'k2'], options)
    const signed = inbound({ 'x-signature': `sha256=${hmacDigest('sha256', 'k2', body)}` }, body)
    expect(() => genericSource.verify(signed, source)).not.toThrow()
    const tampered = inbound(signed.headers, body.replace('1.2.3', '1.2.4'))
    expectCode(() => genericSource.verify(tampered, source), 'SIGNATURE_MISMATCH')
    expectCode(() => genericSource.verify(inbound({}, body), source), 'SIGNATURE_MISSING')
    // with an HMAC declared, the bare token is not enough
    expectCode(() => genericSource.verify(inbound(tokenHeaders('k2'), body), source), 'SIGNATURE_MISSING')
  })

  it('verifies base64 sha512 signatures without a prefix', () => {
    const hmac = { header: 'x-sig', algorithm: 'sha512', encoding: 'base64' }
    const source = sourceConfig('generic', ['k'], { hmac })
    const req = inbound({ 'x-sig': hmacDigest('sha512', 'k', body, 'base64') }, body)
    expect(() => genericSource.verify(req, source)).not.toThrow()
  })

  it('validates its options strictly', () => {
    expect(genericSource.optionsSchema.safeParse({ hmac: { header: 'x-sig', algorithm: 'sha256' } }).success).toBe(true)
    expect(genericSource.optionsSchema.safeParse({ hmac: { header: 'x-sig', algorithm: 'md5' } }).success).toBe(false)
    expect(genericSource.optionsSchema.safeParse({ hmac: { header: 'x-sig', extra: 1 } }).success).toBe(false)
    expect(genericSource.optionsSchema.safeParse({ delivery_header: 'x-id', verify: 'none' }).success).toBe(true)
  })
})
