import { describe, expect, it } from 'vitest'
import { progetSource } from '../../../src/sources/proget.ts'
import { fixtureText } from '../../helpers/fixtures.ts'
import { tokenHeaders } from '../../helpers/sign.ts'
import { expectCode, inbound, sourceConfig } from './request.ts'

const TOKEN = 'proget-relay-token'
const source = sourceConfig('proget', [TOKEN])
const body = fixtureText('proget/package-promoted')
const PKG = 'MyCorp.CoolUtils'
const VERSION = '3.2.0-pre.1'

describe('proget source', () => {
  it('verifies the token and normalizes the default package body', () => {
    const req = inbound(tokenHeaders(null), body, { token: TOKEN })
    expect(() => progetSource.verify(req, source)).not.toThrow()
    expect(progetSource.parse(req, source)).toEqual({
      event: 'Promoted',
      deliveryId: null,
      ping: false,
      body: { package: PKG, version: VERSION, event: 'Promoted', user: 'API', feed: 'internal-utils' },
      pushes: [],
      pullRequest: null,
      package: { feed: 'internal-utils', name: PKG, version: VERSION, event: 'Promoted', user: 'API' },
    })
  })

  it('prefers an X-Event header and accepts packageName/packageVersion', () => {
    const custom = JSON.stringify({ packageName: 'Acme.Widgets', packageVersion: '1.0.0', feedName: 'nuget' })
    const parsed = progetSource.parse(inbound(tokenHeaders(TOKEN, 'Added'), custom), source)
    expect(parsed.event).toBe('Added')
    const expected = { feed: 'nuget', name: 'Acme.Widgets', version: '1.0.0', event: 'Added', user: null }
    expect(parsed.package).toEqual(expected)
  })

  it('accepts the token as header, bearer or query, and the second secret', () => {
    const rotating = sourceConfig('proget', ['old', TOKEN])
    expect(() => progetSource.verify(inbound(tokenHeaders(TOKEN), body), rotating)).not.toThrow()
    expect(() => progetSource.verify(inbound({ authorization: `Bearer ${TOKEN}` }, body), rotating)).not.toThrow()
    expect(() => progetSource.verify(inbound({}, body, { token: TOKEN }), rotating)).not.toThrow()
  })

  it('rejects a wrong token and reports a missing one', () => {
    expectCode(() => progetSource.verify(inbound(tokenHeaders('nope'), body), source), 'SIGNATURE_MISMATCH')
    expectCode(() => progetSource.verify(inbound(tokenHeaders(null), body), source), 'SIGNATURE_MISSING')
  })

  it('rejects a malformed body with BodyError', () => {
    expectCode(() => progetSource.parse(inbound(tokenHeaders(TOKEN), '{"package":'), source), 'BODY_INVALID')
  })
})
