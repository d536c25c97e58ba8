import { describe, expect, it } from 'vitest'
import { expectMappingError } from './expect-mapping-error.ts'
import { httpPreset } from '../../../src/targets/http.ts'
import { branchPush, evaluateMap, jsonBody, optionIssues } from './sample-envelopes.ts'

const options = httpPreset.optionsSchema.parse({
  url: 'https://ci.example.com/hooks/?team=ops',
  headers: { Authorization: 'Bearer s3cret', 'X-Env': 'prod' },
})

function build(mapped: unknown) {
  return httpPreset.buildRequest(mapped, options)
}

describe('http preset', () => {
  it('posts a bare body as JSON to the configured url with the configured headers', () => {
    expect(build({ hello: 'world' })).toEqual({
      method: 'POST',
      url: 'https://ci.example.com/hooks/?team=ops',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer s3cret', 'X-Env': 'prod' },
      body: '{"hello":"world"}',
    })
  })

  it('posts a string body as text/plain', () => {
    const request = build('deploy now')
    expect(request.body).toBe('deploy now')
    expect(request.headers['Content-Type']).toBe('text/plain; charset=utf-8')
  })

  it('applies method, path, query and headers of the request form', () => {
    const request = build({
      method: 'put',
      path: 'builds/octo org/42',
      query: { sha: 'abc', tag: ['a', 'b'], skip: null, n: 1 },
      headers: { 'x-env': 'staging', 'content-type': 'application/vnd.ci+json', 'X-Skip': null },
      body: { ref: 'main' },
    })
    expect(request).toEqual({
      method: 'PUT',
      url: 'https://ci.example.com/hooks/builds/octo%20org/42?team=ops&sha=abc&tag=a&tag=b&n=1',
      headers: { Authorization: 'Bearer s3cret', 'x-env': 'staging', 'content-type': 'application/vnd.ci+json' },
      body: '{"ref":"main"}',
    })
  })

  it('accepts a path with one leading slash and keeps "@" after the first segment inside the path', () => {
    expect(build({ path: '/builds', body: 1 }).url).toBe('https://ci.example.com/hooks/builds?team=ops')
    const url = new URL(build({ path: 'users/a@b', body: 1 }).url)
    expect(url.host).toBe('ci.example.com')
    expect(url.pathname).toBe('/hooks/users/a@b')
  })

  it('treats an object with keys besides method/path/query/headers/body as the body itself', () => {
    expect(jsonBody(build({ body: 'x', path: 'ignored', ref: 'main' }))).toEqual({ body: 'x', path: 'ignored', ref: 'main' })
  })

  it('sends no body for GET and an empty body for a null body', () => {
    const get = build({ method: 'GET', path: 'status', body: { ignored: true } })
    expect(get).toMatchObject({ method: 'GET', body: '' })
    expect(get.headers).not.toHaveProperty('Content-Type')
    const empty = build({ body: null })
    expect(empty).toMatchObject({ method: 'POST', body: '' })
    expect(empty.headers).not.toHaveProperty('Content-Type')
  })

  it('renders the same bytes for the same input', () => {
    const mapped = { path: 'a', query: { b: 'c' }, body: { d: [1, 2] } }
    expect(build(mapped)).toEqual(build(mapped))
  })

  describe('never lets the payload choose the host', () => {
    it.each([
      ['//evil.com', 'must be a relative path, not a URL'],
      ['//evil.com/x', 'must be a relative path, not a URL'],
      ['http://evil.com', 'must be a relative path, not a URL'],
      ['https://evil.com/hooks/', 'must be a relative path, not a URL'],
      ['..', '"." and ".." segments are not allowed'],
      ['../admin', '"." and ".." segments are not allowed'],
      ['a/../../admin', '"." and ".." segments are not allowed'],
      ['%2e%2e/admin', '"." and ".." segments are not allowed'],
      ['.%2E/admin', '"." and ".." segments are not allowed'],
      ['./x', '"." and ".." segments are not allowed'],
      ['\\evil.com', 'contains a backslash'],
      ['a\\..\\..\\x', 'contains a backslash'],
      ['@evil.com', '"@" before the first "/" could name a host'],
      ['user:pw@evil.com/x', '"@" before the first "/" could name a host'],
      ['x\r\nHost: evil.com', 'control character'],
      ['x\n', 'control character'],
      ['\tx', 'control character'],
      ['x?admin=1', 'use "query" for query parameters'],
      ['x#frag', 'use "query" for query parameters'],
    ])('refuses path %j', (path, reason) => {
      expectMappingError(() => build({ path, body: {} }), reason)
    })

    it.each([
      [{ 'X-Ok': 'a\r\nHost: evil.com' }, 'control character'],
      [{ 'X-Ok': 'a\nb' }, 'control character'],
      [{ 'X Bad': 'a' }, 'is not a valid HTTP token'],
      [{ 'X-Bad\r\nHost': 'a' }, 'is not a valid HTTP token'],
      [{ Host: 'evil.com' }, 'header Host cannot be set'],
      [{ 'content-length': '0' }, 'header content-length cannot be set'],
      [{ 'Transfer-Encoding': 'chunked' }, 'cannot be set'],
      [{ Connection: 'close' }, 'cannot be set'],
      [{ 'User-Agent': 'evil' }, 'cannot be set'],
      [{ 'X-Obj': { a: 1 } }, 'header X-Obj must be a string'],
    ])('refuses mapped headers %j', (headers, reason) => {
      expectMappingError(() => build({ headers, body: {} }), reason)
    })

    it('cannot change the scheme or port through the path either', () => {
      for (const path of ['a:8080/x', 'https:evil.com', 'evil.com:443']) {
        const url = new URL(build({ path, body: {} }).url)
        expect(url.origin).toBe('https://ci.example.com')
        expect(url.pathname.startsWith('/hooks/')).toBe(true)
      }
    })
  })

  describe('rejects other invalid mapped values', () => {
    it.each([
      [undefined, 'http needs a body to send, but the map produced nothing'],
      [{ method: 'TRACE', body: {} }, 'method must be one of GET, POST, PUT, PATCH, DELETE'],
      [{ path: 5, body: {} }, 'path must be a string, but the map produced a number'],
      [{ query: 'a=b', body: {} }, 'http query must be an object'],
      [{ query: { a: { b: 1 } }, body: {} }, 'query.a must be a string, number, boolean or a list of them'],
      [{ headers: ['X-A: 1'], body: {} }, 'http headers must be an object'],
    ])('%j', (mapped, message) => {
      expectMappingError(() => build(mapped), message)
    })
  })

  describe('options', () => {
    it('defaults method to POST, upper-cases a given method and marks headers and signing_secret secret', () => {
      expect(httpPreset.optionsSchema.parse({ url: 'http://127.0.0.1:9000' }).method).toBe('POST')
      expect(httpPreset.optionsSchema.parse({ url: 'http://127.0.0.1:9000', method: 'put' }).method).toBe('PUT')
      expect(httpPreset.secretOptions).toEqual(['headers', 'signing_secret'])
    })

    it('sends to a bare origin with its root path', () => {
      const bare = httpPreset.optionsSchema.parse({ url: 'http://127.0.0.1:9000' })
      expect(httpPreset.buildRequest({ path: 'x', body: 1 }, bare).url).toBe('http://127.0.0.1:9000/x')
      expect(httpPreset.buildRequest(1, bare).url).toBe('http://127.0.0.1:9000/')
    })

    it.each([
      [{}, 'url'],
      [{ url: '/relative/path' }, 'url: must be an absolute http(s) URL'],
      [{ url: 'file:///etc/passwd' }, 'url: must be an http(s) URL'],
      [{ url: 'https://ci.example.com', method: 'TRACE' }, 'method: must be one of GET, POST, PUT, PATCH, DELETE'],
      [{ url: 'https://ci.example.com', headers: { 'X-Count': 5 } }, 'headers.X-Count'],
      [{ url: 'https://ci.example.com', headers: { Host: 'evil.com' } }, 'headers.Host: header Host cannot be set'],
      [{ url: 'https://ci.example.com', headers: { 'X-A': 'a\r\nb' } }, 'control character'],
      [{ url: 'https://ci.example.com', body: 'x' }, 'body'],
    ])('rejects %j', (input, fragment) => {
      expect(optionIssues(httpPreset.optionsSchema.safeParse(input)).join('\n')).toContain(fragment)
    })
  })

  it('forwards the inbound body as JSON by default', async () => {
    const input = branchPush()
    const mapped = await evaluateMap(httpPreset.defaultMap, input)
    const request = build(mapped)
    expect(request.headers['Content-Type']).toBe('application/json')
    expect(jsonBody(request)).toEqual(input.body)
  })
})
