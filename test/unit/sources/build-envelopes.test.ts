import { describe, expect, it } from 'vitest'
import { buildEnvelopes, deliveryKey } from '../../../src/sources/build-envelopes.ts'
import { githubSource } from '../../../src/sources/github.ts'
import { progetSource } from '../../../src/sources/proget.ts'
import { fixtureText, githubBranchPush } from '../../helpers/fixtures.ts'
import { githubHeaders, tokenHeaders } from '../../helpers/sign.ts'
import { inbound, sourceConfig } from './request.ts'

const receivedAt = new Date('2024-05-14T10:00:00.000Z')

describe('buildEnvelopes', () => {
  it('wraps a push in one envelope with the sender delivery id', () => {
    const source = sourceConfig('github', ['s'], {}, 'gh')
    const body = JSON.stringify(githubBranchPush())
    const req = inbound(githubHeaders('s', 'push', body, { delivery: 'gh-1' }), body, { a: '1' })
    const [envelope, ...rest] = buildEnvelopes(source, req, githubSource.parse(req, source), receivedAt)
    expect(rest).toEqual([])
    expect(envelope).toMatchObject({
      source: 'gh',
      type: 'github',
      event: 'push',
      delivery: 'gh-1',
      received_at: '2024-05-14T10:00:00.000Z',
      query: { a: '1' },
      package: null,
    })
    expect(envelope?.headers['x-github-event']).toBe('push')
    expect(envelope?.push?.branch).toBe('master')
  })

  it('yields exactly one envelope with push null when there is no push', () => {
    const source = sourceConfig('proget', ['t'], {}, 'feed')
    const req = inbound(tokenHeaders('t'), fixtureText('proget/package-promoted'), { token: 't' })
    const envelopes = buildEnvelopes(source, req, progetSource.parse(req, source), receivedAt)
    expect(envelopes).toHaveLength(1)
    expect(envelopes[0]).toMatchObject({ push: null, package: { name: 'MyCorp.CoolUtils' } })
  })

  it('falls back to a stable hash of source name and body', () => {
    const source = sourceConfig('proget', ['t'], {}, 'feed')
    const body = fixtureText('proget/package-promoted')
    const parse = (b: string) => progetSource.parse(inbound({}, b), source)
    const first = buildEnvelopes(source, inbound({}, body), parse(body), receivedAt)[0]?.delivery
    const again = buildEnvelopes(source, inbound({}, body), parse(body), new Date())[0]?.delivery
    expect(first).toMatch(/^[0-9a-f]{32}$/)
    expect(again).toBe(first)
    expect(first).toBe(deliveryKey('feed', Buffer.from(body)))
    expect(deliveryKey('other-feed', Buffer.from(body))).not.toBe(first)
    expect(deliveryKey('feed', Buffer.from(`${body} `))).not.toBe(first)
  })

  it('masks shared tokens in stored headers and query', () => {
    const source = sourceConfig('proget', ['t'], {}, 'feed')
    const headers = { ...tokenHeaders('t'), authorization: 'Bearer t', 'x-gitlab-token': 't' }
    const req = inbound(headers, fixtureText('proget/package-promoted'), { token: 't', keep: 'me' })
    const [envelope] = buildEnvelopes(source, req, progetSource.parse(req, source), receivedAt)
    expect(envelope?.query).toEqual({ token: '***', keep: 'me' })
    const masked = { 'x-hookyard-token': '***', authorization: '***', 'x-gitlab-token': '***' }
    expect(envelope?.headers).toMatchObject(masked)
    expect(req.query['token']).toBe('t')
  })
})
