import { describe, expect, it } from 'vitest'
import { buildInboundRequest, eventHint, parseHeaderFlags } from '../../../src/dry-run/inbound-request.ts'
import { bodyView, formatBody, maskRequest } from '../../../src/dry-run/render-request.ts'

describe('parseHeaderFlags', () => {
  it('lower-cases names and trims values (curl syntax)', () => {
    expect(parseHeaderFlags(['X-GitHub-Event: push', 'Content-Type:application/json', 'X-Empty:'])).toEqual({
      'x-github-event': 'push',
      'content-type': 'application/json',
      'x-empty': '',
    })
  })

  it('rejects values without a name', () => {
    expect(() => parseHeaderFlags(['push'])).toThrow(/expected 'Name: value'/)
    expect(() => parseHeaderFlags([': x'])).toThrow()
    expect(() => parseHeaderFlags(['X Bad: x'])).toThrow()
  })
})

describe('buildInboundRequest', () => {
  it('sets the event header of the source type; an explicit header wins', () => {
    const body = Buffer.from('{}')
    expect(buildInboundRequest({ sourceType: 'github', body, event: 'push' }).headers).toEqual({ 'x-github-event': 'push' })
    expect(buildInboundRequest({ sourceType: 'gitlab', body, event: 'Push Hook' }).headers).toEqual({ 'x-gitlab-event': 'Push Hook' })
    expect(buildInboundRequest({ sourceType: 'bitbucket-server', body, event: 'repo:refs_changed' }).headers).toEqual({ 'x-event-key': 'repo:refs_changed' })
    expect(buildInboundRequest({ sourceType: 'proget', body, event: 'added' }).headers).toEqual({ 'x-event': 'added' })
    const both = buildInboundRequest({ sourceType: 'gitea', body, event: 'push', headers: { 'X-Gitea-Event': 'create' } })
    expect(both).toEqual({ method: 'POST', headers: { 'x-gitea-event': 'create' }, query: {}, rawBody: body })
  })
})

describe('eventHint', () => {
  const req = (headers: Record<string, string>) => buildInboundRequest({ sourceType: 'github', body: Buffer.from(''), headers })
  it('hints when a git host event header is missing, not for feeds that carry the event in the body', () => {
    expect(eventHint('github', req({}), 'unknown')).toMatch(/no X-GitHub-Event header, so the event is "unknown".*--event NAME/)
    expect(eventHint('github', req({ 'x-github-event': 'push' }), 'push')).toBeNull()
    expect(eventHint('proget', req({}), 'added')).toBeNull()
  })
})

describe('request rendering', () => {
  const request = {
    method: 'POST',
    url: 'https://ci.example/hook?key=s3cr3t-value',
    headers: { Authorization: 'token s3cr3t-value', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'token=s3cr3t-value&ref=main&variables%5BA%5D=1&variables%5BA%5D=2',
  }

  it('masks secrets in the URL, header values and body', () => {
    const masked = maskRequest(request, ['s3cr3t-value'])
    expect(JSON.stringify(masked)).not.toContain('s3cr3t')
    expect(masked.headers['Authorization']).toBe('token ***')
  })

  it('decodes form bodies, pretty-prints JSON and leaves other text alone', () => {
    expect(bodyView(request)).toEqual({ kind: 'form', fields: { token: 's3cr3t-value', ref: 'main', 'variables[A]': ['1', '2'] } })
    expect(formatBody(request)).toBe('token = s3cr3t-value\nref = main\nvariables[A] = 1\nvariables[A] = 2')
    const json = { ...request, headers: {}, body: '{"a":[1]}' }
    expect(formatBody(json)).toBe('{\n  "a": [\n    1\n  ]\n}')
    expect(bodyView({ ...json, body: 'plain text' })).toEqual({ kind: 'text', text: 'plain text' })
    expect(formatBody({ ...json, body: '' })).toBe('(empty body)')
  })
})
