/**
 * A mapped `path` for an http target cannot leave the configured base path at a target that
 * percent-decodes the path before it normalises it: segments that decode (once or more) to "."
 * or "..", or that hide "/", "\", ";", NUL or other control characters in percent-encoding, are
 * refused with a MappingError naming the segment and why.
 */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MappingError } from '../../../src/errors.ts'
import { httpPreset } from '../../../src/targets/http.ts'
import { pathSegmentProblem } from '../../../src/targets/path-segment-problem.ts'
import { expectThrows, FC, outcome } from './arbitraries.ts'

const TRAVERSAL: { path: string; refused: string }[] = JSON.parse(
  readFileSync(new URL('../../fixtures/hostile/paths/traversal.json', import.meta.url), 'utf8')
)

const BASE = 'https://ci.example.com/hooks/deploy/'
const options = httpPreset.optionsSchema.parse({ url: BASE })
const build = (path: string) => httpPreset.buildRequest({ path, body: {} }, options)

/**
 * Decodes every %XX into its byte (one character each), until nothing changes: what the most
 * eager target would see. Written apart from the code under test, byte-wise rather than UTF-8.
 */
function decodeFully(segment: string): string {
  let text = segment
  for (;;) {
    const next = text.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    if (next === text) return text
    text = next
  }
}

/** Percent-encodes one character `times` times, in random hex case ("." -> %2e -> %252E ...). */
function encodeChar(char: string, times: number, upper: boolean): string {
  let out = char
  for (let i = 0; i < times; i++) {
    out = [...new TextEncoder().encode(out)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')
    out = upper ? out.toUpperCase() : out
  }
  return out
}

describe('mapped path segments that a decoding target would resolve elsewhere', () => {
  it.each(TRAVERSAL)('refuses $path', ({ path, refused }) => {
    const error = expectThrows(() => build(path), MappingError)
    expect(error.code).toBe('MAPPING_INVALID')
    expect(error.message).toMatch(/^http: path ".*" is refused: segment ".*"/)
    expect(error.message).toContain(refused)
  })

  it('names the segment, what it decodes to and why', () => {
    expect(expectThrows(() => build('a%2F..%2F..%2Fadmin'), MappingError).message).toBe(
      'http: path "a%2F..%2F..%2Fadmin" is refused: segment "a%2F..%2F..%2Fadmin" decodes to "a/../../admin": ' +
        'an encoded "/" inside a segment is not allowed'
    )
    expect(expectThrows(() => build('builds/%252e%252e/admin'), MappingError).message).toBe(
      'http: path "builds/%252e%252e/admin" is refused: segment "%252e%252e" decodes to "..": "." and ".." segments are not allowed'
    )
    expect(expectThrows(() => build('admin%00.json'), MappingError).message).toBe(
      'http: path "admin%00.json" is refused: segment "admin%00.json" decodes to "admin\\u0000.json": ' +
        'control characters (NUL, CR, LF, ...) are not allowed'
    )
    expect(pathSegmentProblem('..;')).toBe(
      'segment "..;": ";" is not allowed (servers that cut path parameters, Tomcat and Spring among them, read "..;" as "..")'
    )
  })

  it.each([
    ['builds/42', '/hooks/deploy/builds/42'],
    ['octo%20org/42', '/hooks/deploy/octo%20org/42'],
    ['v1.2.3/a..b/...', '/hooks/deploy/v1.2.3/a..b/...'],
    ['a%2Eb', '/hooks/deploy/a%2Eb'],
    ['100%25', '/hooks/deploy/100%25'],
    ['caf%C3%A9', '/hooks/deploy/caf%C3%A9'],
    ['100%', '/hooks/deploy/100%'],
    ['%zz', '/hooks/deploy/%zz'],
  ])('still sends the ordinary path %j', (path, pathname) => {
    expect(new URL(build(path).url).pathname).toBe(pathname)
  })

  it('refuses a forbidden segment however many times each of its characters is percent-encoded', () => {
    // '/' is always encoded at least once: a raw '/' would just separate two segments
    const cores = ['.', '..', '../../admin', 'a/b', '..;', 'a\\b', 'a\u0000b', 'a\r\nb']
    const encoded = fc.constantFrom(...cores).chain((core) =>
      fc
        .tuple(...[...core].map((c) => fc.tuple(fc.integer({ min: c === '/' ? 1 : 0, max: 3 }), fc.boolean())))
        .map((ways) => [...core].map((c, i) => encodeChar(c, ways[i]![0], ways[i]![1])).join(''))
    )
    fc.assert(
      fc.property(encoded, fc.constantFrom('', 'builds/', 'a/b/'), (segment, prefix) => {
        expectThrows(() => build(`${prefix}${segment}`), MappingError)
      }),
      { ...FC, numRuns: 500 }
    )
  })

  it('whatever path it sends stays under the base path when every segment is decoded over and over', () => {
    const alphabet = fc.constantFrom('%', '2', '5', 'e', 'E', 'f', 'F', 'c', 'C', '3', 'b', '0', '.', '/', ';', '\\', 'a', '\u0000')
    const path = fc.oneof(fc.string({ unit: alphabet, maxLength: 24 }), fc.string({ unit: 'binary', maxLength: 24 }))
    fc.assert(
      fc.property(path, (mapped) => {
        const result = outcome(() => build(mapped))
        if (!result.ok) {
          expect(result.error).toBeInstanceOf(MappingError)
          return
        }
        const url = new URL((result.value as { url: string }).url)
        expect(url.origin).toBe('https://ci.example.com')
        expect(url.pathname.startsWith('/hooks/deploy/') || url.pathname === '/hooks/deploy/').toBe(true)
        for (const segment of url.pathname.slice('/hooks/deploy/'.length).split('/')) {
          const decoded = decodeFully(segment)
          expect(decoded, segment).not.toMatch(/^\.\.?$/)
          expect(decoded, segment).not.toMatch(/[/\\;\u0000-\u001f\u007f]/)
        }
      }),
      { ...FC, numRuns: 1000 }
    )
  })
})
