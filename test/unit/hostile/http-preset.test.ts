/**
 * The `http` preset can never be steered by a payload: whatever path, query and headers a map
 * produces, the request goes to the configured origin under the configured path, and no header
 * value can split the request (CR/LF) or fail later in the HTTP client.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MappingError } from '../../../src/errors.ts'
import { httpPreset } from '../../../src/targets/http.ts'
import type { OutboundRequest } from '../../../src/targets/types.ts'
import { expectThrows, FC, outcome } from './arbitraries.ts'

const CONFIGURED = 'https://ci.example.com:8443/hooks/deploy/?team=ops'
const options = httpPreset.optionsSchema.parse({ url: CONFIGURED, headers: { Authorization: 'Bearer s3cret' } })
const base = new URL(CONFIGURED)

/** Strings an attacker would try as a path, query value or header value. */
const STEERING = [
  '//evil.example', '//evil.example/x', 'http://evil.example/', 'https://evil.example', 'HTTP://evil.example', 'https:evil.example',
  'http:/evil.example', '@evil.example', 'user:pw@evil.example/x', 'evil.example:80', ':@evil.example', '..', '../..', '../../x',
  'a/../../b', '.', './x', '%2e%2e', '%2E%2e/x', '.%2e/', '%2F%2Fevil.example', '%2f..%2f..%2fx', '\\\\evil.example', '/\\evil.example',
  '\tfoo', 'a\r\nHost: evil.example', 'a\nb', 'x?y=1', 'x#frag', '/', '', ' ', '\u0000', 'ünïcödé/日本', '%', '%zz', '?', '#', '\u2028',
  'a'.repeat(5000), '..;/x', 'ftp://evil.example', 'javascript:alert(1)', '\u3002evil.example', '\uff0f\uff0fevil.example', 'x/\u0085/y',
]

const hostile = fc.oneof({ arbitrary: fc.constantFrom(...STEERING), weight: 2 }, fc.string({ unit: 'binary', maxLength: 40 }), fc.webPath(), fc.webUrl())
const headerName = fc.oneof(
  fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,20}$/),
  fc.constantFrom('Host', 'host', 'Content-Length', 'Transfer-Encoding', 'Authorization', 'content-type', 'X-A\r\nX-B', 'X A', '', 'User-Agent', '__proto__', 'constructor')
)
const scalar = fc.oneof(hostile, fc.integer(), fc.double(), fc.boolean(), fc.constant(null))

const requestForm = fc.record(
  {
    method: fc.oneof(fc.constantFrom('GET', 'post', 'PUT', 'CONNECT', 'TRACE', 'GET\r\n', 'patch'), fc.constant(null)),
    path: fc.oneof(hostile, fc.constant(null), fc.integer()),
    query: fc.oneof(fc.dictionary(hostile, fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })), { maxKeys: 4 }), fc.constant(null), hostile),
    headers: fc.oneof(fc.dictionary(headerName, scalar, { maxKeys: 4 }), fc.constant(null)),
    body: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: ['body'] }
)

/** Every header value is something the HTTP client will send as is, without injection. */
function expectSafeHeaders(request: OutboundRequest): void {
  for (const [name, value] of Object.entries(request.headers)) {
    expect(value, `header ${name}`).not.toMatch(/[\r\n\0]/)
    expect(value, `header ${name}`).toMatch(/^[\u0000-\u00ff]*$/)
  }
  // fetch would accept them: this is what undici checks before sending
  expect(() => new Headers(request.headers)).not.toThrow()
}

function expectConfiguredDestination(request: OutboundRequest): void {
  const url = new URL(request.url)
  expect(url.origin).toBe(base.origin)
  expect(url.username).toBe('')
  expect(url.password).toBe('')
  expect(url.hash).toBe('')
  expect(url.pathname.startsWith(base.pathname.replace(/\/+$/, ''))).toBe(true)
  // the configured query is kept; mapped parameters are only ever added
  expect(url.searchParams.getAll('team')[0]).toBe('ops')
}

describe('http preset under hostile mappings', () => {
  it('sends every request form to the configured origin and path, or refuses it with a MappingError', () => {
    fc.assert(
      fc.property(requestForm, (mapped) => {
        const result = outcome(() => httpPreset.buildRequest(mapped, options))
        if (!result.ok) {
          expect(result.error).toBeInstanceOf(MappingError)
          return
        }
        const request = result.value as OutboundRequest
        expectConfiguredDestination(request)
        expectSafeHeaders(request)
      }),
      { ...FC, numRuns: 500 }
    )
  })

  it.each(STEERING)('never leaves the configured origin for the path %j', (path) => {
    const result = outcome(() => httpPreset.buildRequest({ path, body: {} }, options))
    if (!result.ok) {
      expect(result.error).toBeInstanceOf(MappingError)
      return
    }
    expectConfiguredDestination(result.value as OutboundRequest)
  })

  it('refuses the classic host-steering paths outright', () => {
    for (const path of ['//evil.example', 'http://evil.example/', '@evil.example', 'user:pw@evil.example/x', '..', '../../x', '%2e%2e', '\\\\evil.example', 'x?y=1', 'a\r\nHost: evil.example']) {
      expectThrows(() => httpPreset.buildRequest({ path, body: {} }, options), MappingError)
    }
  })

  it('keeps steering attempts in query values as encoded data on the configured host', () => {
    const request = httpPreset.buildRequest({ query: { next: 'http://evil.example/', '@evil': '//evil.example', 'a&b': 'c=d#e\r\n' }, body: {} }, options)
    const url = new URL(request.url)
    expect(url.origin).toBe(base.origin)
    expect(url.searchParams.get('next')).toBe('http://evil.example/')
    expect(url.searchParams.get('a&b')).toBe('c=d#e\r\n')
    expect(request.url).not.toMatch(/[\r\n#]/)
  })

  it('refuses any header value with CR or LF with a MappingError naming the header', () => {
    const withBreak = fc
      .tuple(fc.string({ maxLength: 20 }), fc.constantFrom('\r', '\n', '\r\n'), fc.string({ maxLength: 20 }))
      .map(([a, br, b]) => `${a}${br}${b}`)
    fc.assert(
      fc.property(fc.stringMatching(/^X-[A-Za-z0-9-]{1,12}$/), withBreak, (name, value) => {
        const error = expectThrows(() => httpPreset.buildRequest({ headers: { [name]: value }, body: {} }, options), MappingError)
        expect(error.message).toContain(`header ${name} has a control character`)
      }),
      FC
    )
  })

  it('refuses header values outside Latin-1 at build time (fetch would refuse them on every attempt)', () => {
    for (const value of ['€', 'caf\u00e9 \u2028', '\ud83d\ude00', '日本']) {
      const error = expectThrows(() => httpPreset.buildRequest({ headers: { 'X-Name': value }, body: {} }, options), MappingError)
      expect(error.message).toContain('header X-Name has a character outside Latin-1')
    }
    // Latin-1 itself is fine, and is what fetch sends
    expect(httpPreset.buildRequest({ headers: { 'X-Name': 'café' }, body: {} }, options).headers['X-Name']).toBe('café')
  })
})
