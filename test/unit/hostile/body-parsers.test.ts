/**
 * Hostile input to the body parsers: whatever bytes arrive under whatever content type,
 * parseBody returns a value or throws a BodyError (400), never anything else; deep nesting,
 * broken UTF-8 and prototype keys get a clear error or a documented, harmless result.
 */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { BodyError } from '../../../src/errors.ts'
import { MAX_JSON_DEPTH, parseBody } from '../../../src/sources/parse-body.ts'
import { sourceTypes } from '../../../src/sources/index.ts'
import type { InboundRequest } from '../../../src/sources/types.ts'
import { anyBytes, expectThrows, FC, outcome } from './arbitraries.ts'

const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/hostile/bodies/${name}`, import.meta.url))

const JSON_TYPE = 'application/json'
const FORM = 'application/x-www-form-urlencoded'
const CONTENT_TYPES = [JSON_TYPE, 'application/json; charset=utf-8', FORM, 'text/plain', 'application/xml', 'multipart/form-data; boundary=XyZ', '', 'APPLICATION/X-WWW-FORM-URLENCODED ; charset=x']

function req(body: Buffer | string, contentType: string = JSON_TYPE, headers: Record<string, string> = {}): InboundRequest {
  const all = contentType === '' ? headers : { 'content-type': contentType, ...headers }
  return { method: 'POST', headers: all, query: {}, rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8') }
}

/** No key ever lands on Object.prototype, whatever the parsers were fed. */
function expectPrototypeClean(): void {
  expect(Object.keys(Object.prototype)).toEqual([])
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
}

/** Walks a parsed value: every object is a plain one with Object.prototype, and no own `__proto__`. */
function expectPlainTree(value: unknown): void {
  const stack = [value]
  while (stack.length > 0) {
    const v = stack.pop()
    if (v === null || typeof v !== 'object') continue
    expect(Object.getPrototypeOf(v)).toBe(Array.isArray(v) ? Array.prototype : Object.prototype)
    expect(Object.hasOwn(v, '__proto__')).toBe(false)
    stack.push(...Object.values(v))
  }
}

afterEach(expectPrototypeClean)

describe('parseBody on arbitrary bytes', () => {
  it('returns a value or throws BodyError for random bytes under every content type', () => {
    fc.assert(
      fc.property(anyBytes, fc.constantFrom(...CONTENT_TYPES), (body, type) => {
        const result = outcome(() => parseBody(req(body, type)))
        if (!result.ok) expect(result.error).toBeInstanceOf(BodyError)
        else expectPlainTree(result.value)
      }),
      FC
    )
  })

  it('round-trips any JSON value (JSON is JSON whatever the declared type, except form posts)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(JSON_TYPE, 'text/plain', ''), (value, type) => {
        const text = JSON.stringify(value)
        fc.pre(!/__proto__|constructor/.test(text))
        const parsed = parseBody(req(text, type))
        expect(parsed).toEqual(text.trim() === '' ? null : JSON.parse(text))
      }),
      FC
    )
  })

  it('reads any form post as its fields (or its payload field), never throwing but BodyError', () => {
    const field = fc.string({ unit: 'grapheme', maxLength: 12 })
    fc.assert(
      fc.property(fc.array(fc.tuple(field, field), { maxLength: 8 }), (pairs) => {
        const text = new URLSearchParams(pairs).toString()
        const result = outcome(() => parseBody(req(text, FORM)))
        if (!result.ok) {
          // only a `payload` field is parsed further, as JSON
          expect(pairs.some(([k]) => k === 'payload')).toBe(true)
          expect(result.error).toBeInstanceOf(BodyError)
          return
        }
        expectPlainTree(result.value)
      }),
      FC
    )
  })

  it('parses random JSON text with random prototype keys without polluting anything', () => {
    const key = fc.constantFrom('__proto__', 'constructor', 'prototype', '\\u005f_proto__', 'a', 'toString', 'valueOf', 'hasOwnProperty')
    const leaf = fc.oneof(fc.constant('1'), fc.constant('"x"'), fc.constant('{"polluted":"yes"}'), fc.constant('null'), fc.constant('[]'))
    const doc: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(fc.tuple(key, tie('node')), { maxLength: 4 }).map((entries) => `{${entries.map(([k, v]) => `"${k}":${v}`).join(',')}}`)
      ),
    })).node
    fc.assert(
      fc.property(doc, fc.constantFrom(JSON_TYPE, FORM), (text, type) => {
        const body = type === FORM ? `payload=${encodeURIComponent(text)}` : text
        const parsed = parseBody(req(body, type))
        expectPlainTree(parsed)
        // the parsed body is safe to merge the usual ways
        const merged: Record<string, unknown> = { ...(parsed as object) }
        Object.assign({}, parsed)
        structuredClone(parsed)
        expect(Object.getPrototypeOf(merged)).toBe(Object.prototype)
        expectPrototypeClean()
      }),
      FC
    )
  })
})

describe('parseBody corpus', () => {
  it('refuses nesting deeper than MAX_JSON_DEPTH with a clear BodyError (100k "[" and 100k "{")', () => {
    const cases = [
      '['.repeat(100_000) + ']'.repeat(100_000),
      '['.repeat(100_000),
      '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000),
      `{"list":${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}}`,
    ]
    for (const text of cases) {
      const error = expectThrows(() => parseBody(req(text)), BodyError)
      expect(error.message).toBe(`body nests arrays/objects deeper than ${MAX_JSON_DEPTH} levels`)
    }
  })

  it('accepts nesting up to the limit, and does not count brackets inside strings', () => {
    const atLimit = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)
    expect(outcome(() => parseBody(req(atLimit))).ok).toBe(true)
    const text = JSON.stringify({ s: '['.repeat(10_000), t: '{\\"['.repeat(1000), u: [[['"[']]] })
    expect(parseBody(req(text))).toEqual(JSON.parse(text))
  })

  it('refuses deep nesting inside a form post payload field, naming the field', () => {
    const body = `payload=${encodeURIComponent('['.repeat(5000))}`
    expect(expectThrows(() => parseBody(req(body, FORM)), BodyError).message).toMatch(/^form field "payload" nests/)
  })

  it('refuses invalid UTF-8 (overlong, lone continuation, truncated, surrogates, 0xFF, UTF-16) with a BodyError', () => {
    const sequences = [[0xc0, 0xaf], [0x80], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xff], [0xf5, 0x80, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80]]
    for (const bytes of sequences) {
      for (const type of [JSON_TYPE, FORM]) {
        const body = Buffer.concat([Buffer.from('{"a":"'), Buffer.from(bytes), Buffer.from('"}')])
        expect(expectThrows(() => parseBody(req(body, type)), BodyError).message).toBe('body is not valid UTF-8')
      }
    }
    expect(expectThrows(() => parseBody(req(fixture('invalid-utf8.json'))), BodyError).message).toBe('body is not valid UTF-8')
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"a":1}', 'utf16le')])
    expectThrows(() => parseBody(req(utf16)), BodyError)
  })

  it('skips a UTF-8 byte order mark (documented)', () => {
    expect(parseBody(req(fixture('bom.json')))).toEqual({ bom: true })
  })

  it('lets the last of duplicate keys win (documented: as JSON.parse; the signature covers the raw bytes)', () => {
    expect(parseBody(req(fixture('duplicate-keys.json')))).toEqual({ ref: 'refs/heads/evil', n: 2 })
  })

  it('drops __proto__ keys and constructor objects; prototype stays plain data', () => {
    const parsed = parseBody(req(fixture('proto-keys.json'))) as Record<string, unknown>
    expect(parsed).toEqual({ a: {}, prototype: { polluted: 'data' }, ok: true })
    expectPlainTree(parsed)
    expect(parsed['polluted']).toBeUndefined()
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype)
    const form = parseBody(req(`__proto__=x&constructor=y&prototype=z&a=1&payloadx=2`, FORM))
    expect(form).toEqual({ a: '1', payloadx: '2' })
    expect(Object.getPrototypeOf(form)).toBe(Object.prototype)
    // a `constructor` that is plain data (not an object) is kept: nothing can be reached through it
    expect(parseBody(req('{"constructor":"str"}'))).toEqual({ constructor: 'str' })
  })

  it('decodes broken percent-encoding in form fields leniently, and refuses a broken payload as JSON', () => {
    expect(parseBody(req('a=%zz&b=%E0%A4%A&c=%&d=%%41', FORM))).toEqual({ a: '%zz', b: '\ufffd%A', c: '%', d: '%A' })
    const error = expectThrows(() => parseBody(req(fixture('broken-percent.form'), FORM)), BodyError)
    expect(error.message).toMatch(/^form field "payload" is not valid JSON/)
  })

  it('reads every non-form content type as JSON: XML and multipart are a clear BodyError', () => {
    expect(expectThrows(() => parseBody(req(fixture('push.xml'), 'application/xml')), BodyError).message).toMatch(/^body is not valid JSON/)
    expect(expectThrows(() => parseBody(req(fixture('multipart.txt'), 'multipart/form-data; boundary=XyZ')), BodyError).message).toMatch(
      /^body is not valid JSON/
    )
    expect(parseBody(req('{"a":1}', 'text/plain'))).toEqual({ a: 1 })
    // JSON posted as a form (curl -d's default) would be one meaningless form key: the answer says so
    expect(expectThrows(() => parseBody(req('{"a":1}', FORM)), BodyError).message).toMatch(/read as form fields and has no "payload" field/)
    expect(parseBody(req('a=1', FORM))).toEqual({ a: '1' })
    expect(parseBody(req('   \r\n\t ', JSON_TYPE))).toBeNull()
  })
})

describe('source parsers on hostile payloads', () => {
  /**
   * Payload skeletons: the paths each normalizer reads (a nested spec; `[spec]` is a list of
   * them), every field optional and every leaf a hostile value, so odd values actually reach
   * the code that converts them instead of being ignored at the top level.
   */
  type Spec = 'leaf' | { [key: string]: Spec } | [Spec]
  const HOSTILE = [1e300, -1e300, 8.64e15 + 1, -0, 0, '', ' ', '0'.repeat(40), 'refs/heads/', 'refs/tags/', 'refs/heads/main', 'BRANCH', 'TAG', 'ADD', 'DELETE', 'branch', 'tag', 'push', 'tag_push', true, null, [], {}]
  const leaf = fc.oneof({ arbitrary: fc.constantFrom(...HOSTILE), weight: 3 }, fc.jsonValue({ maxDepth: 2 }), fc.string({ unit: 'binary', maxLength: 20 }))
  function skeleton(spec: Spec): fc.Arbitrary<unknown> {
    if (spec === 'leaf') return leaf
    if (Array.isArray(spec)) return fc.oneof(fc.array(skeleton(spec[0]), { maxLength: 3 }), leaf)
    const fields = Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, skeleton(v)]))
    return fc.oneof({ arbitrary: fc.record(fields, { requiredKeys: [] }), weight: 4 }, leaf)
  }
  const L = 'leaf' as const
  const githubCommit = { id: L, message: L, author: { name: L }, url: L, timestamp: L }
  const bbAuthor = { raw: L, user: { display_name: L }, display_name: L }
  const bbRef = { type: L, name: L, target: { hash: L, message: L, author: bbAuthor } }
  const serverCommit = { id: L, message: L, author: { displayName: L, name: L }, authorTimestamp: L }
  const pkg = { event: L, package: L, packageName: L, packageId: L, version: L, packageVersion: L, feed: L, feedName: L, user: L, userName: L }
  const SKELETONS: Record<string, Spec> = {
    github: { ref: L, before: L, after: L, created: L, deleted: L, forced: L, pusher: { name: L }, repository: { full_name: L, html_url: L }, head_commit: githubCommit, commits: [githubCommit] },
    gitea: { ref: L, before: L, after: L, pusher: { login: L, username: L }, repository: { full_name: L, html_url: L }, head_commit: githubCommit, commits: [githubCommit] },
    gitlab: { object_kind: L, ref: L, before: L, after: L, checkout_sha: L, user_username: L, user_name: L, project: { path_with_namespace: L, web_url: L }, commits: [githubCommit] },
    bitbucket: {
      push: { changes: [{ new: bbRef, old: bbRef, created: L, closed: L, forced: L, commits: [{ hash: L, message: L, author: bbAuthor, links: { html: { href: L } }, date: L }] }] },
      repository: { full_name: L, links: { html: { href: L } } },
      actor: { display_name: L, nickname: L },
    },
    'bitbucket-server': {
      changes: [{ ref: { id: L, displayId: L, type: L }, refId: L, type: L, toHash: L, fromHash: L, commits: [serverCommit], toCommit: serverCommit }],
      commits: [serverCommit],
      toCommit: serverCommit,
      repository: { project: { key: L }, slug: L, links: { clone: [{ name: L, href: L }], self: [{ href: L }] } },
      actor: { name: L },
    },
    proget: pkg,
    generic: pkg,
    npm: { event: L, name: L, change: { version: L, user: L }, payload: { versions: { '1.0.0': { _npmUser: { name: L } }, leaf: L } } },
    nexus: { repositoryName: L, action: L, initiator: L, component: { format: L, group: L, name: L, version: L }, asset: { name: L } },
    'docker-hub': { repository: { repo_name: L, namespace: L }, push_data: { tag: L, pusher: L } },
    harbor: { type: L, operator: L, event_data: { repository: { repo_full_name: L, namespace: L }, resources: [{ tag: L, digest: L, resource_url: L }] } },
    'standard-webhooks': { type: L, timestamp: L, data: { id: L, nested: { value: L } } },
    // a schedule's stored body is its static body: any JSON the rule file may hold
    schedule: { reason: L, nested: { value: L }, list: [L] },
  }

  const EVENTS: Record<string, Record<string, string>> = {
    github: { 'x-github-event': 'push' },
    gitlab: { 'x-gitlab-event': 'Push Hook' },
    bitbucket: { 'x-event-key': 'repo:push' },
    'bitbucket-server': { 'x-event-key': 'repo:refs_changed' },
    gitea: { 'x-gitea-event': 'push' },
    proget: { 'x-event': 'package-published' },
    generic: {},
    npm: {},
    nexus: { 'x-nexus-webhook-id': 'rm:repository:component' },
    'docker-hub': {},
    harbor: {},
    'standard-webhooks': { 'webhook-id': 'msg_1' },
    schedule: { 'x-hookyard-fire-time': '2026-01-01T00:30:00.000Z', 'x-hookyard-delivery': 'nightly@2026-01-01T00:30:00.000Z' },
  }
  /** options a type needs to parse at all (the loader has validated them by then) */
  const OPTIONS: Record<string, Record<string, unknown>> = { schedule: { cron: '30 0 * * *' } }

  it.each([...sourceTypes.keys()])('%s: parse returns or throws BodyError for any payload shape', (type) => {
    const sourceType = sourceTypes.get(type)!
    const config = { name: `${type}-hostile`, type, secrets: ['s'], options: OPTIONS[type] ?? {} }
    const spec = SKELETONS[type]
    expect(spec, `no payload skeleton for source type ${type}`).toBeDefined()
    fc.assert(
      fc.property(skeleton(spec!), fc.constantFrom(JSON_TYPE, FORM), (payload, contentType) => {
        const json = JSON.stringify(payload) ?? 'null'
        const body = contentType === FORM ? `payload=${encodeURIComponent(json)}` : json
        const result = outcome(() => sourceType.parse(req(body, contentType, EVENTS[type]), config))
        if (!result.ok) expect(result.error).toBeInstanceOf(BodyError)
      }),
      FC
    )
  })

  const ghSide: Spec = { ref: L, sha: L, repo: { full_name: L, html_url: L, clone_url: L } }
  const ghPullRequest: Spec = { action: L, number: L, pull_request: { number: L, merged: L, draft: L, title: L, html_url: L, user: { login: L, username: L }, head: ghSide, base: ghSide } }
  const glProject: Spec = { path_with_namespace: L, web_url: L, git_http_url: L, http_url: L }
  const bbSide: Spec = { branch: { name: L }, commit: { hash: L }, repository: { full_name: L, links: { html: { href: L } } } }
  const bbsRef: Spec = { id: L, displayId: L, latestCommit: L, repository: { project: { key: L }, slug: L, links: { clone: [{ name: L, href: L }], self: [{ href: L }] } } }
  const ghPackage: Spec = { name: L, ecosystem: L, package_type: L, registry: { url: L }, package_version: { version: L, author: { login: L }, container_metadata: { tag: { name: L } } } }
  /** The other normalizers: pull/merge requests of every git host, and GitHub package events. */
  const OTHER_EVENTS: [string, Record<string, string>, Spec][] = [
    ['github', { 'x-github-event': 'pull_request' }, ghPullRequest],
    ['gitea', { 'x-gitea-event': 'pull_request' }, ghPullRequest],
    ['gitlab', { 'x-gitlab-event': 'Merge Request Hook' }, { object_kind: L, user: { username: L, name: L }, object_attributes: { iid: L, action: L, oldrev: L, state: L, draft: L, work_in_progress: L, title: L, url: L, source_branch: L, target_branch: L, source_project_id: L, target_project_id: L, source: glProject, target: glProject, last_commit: { id: L } } }],
    ['bitbucket', { 'x-event-key': 'pullrequest:created' }, { pullrequest: { id: L, title: L, state: L, draft: L, links: { html: { href: L } }, author: { display_name: L, nickname: L }, source: bbSide, destination: bbSide } }],
    ['bitbucket-server', { 'x-event-key': 'pr:opened' }, { pullRequest: { id: L, title: L, state: L, draft: L, links: { self: [{ href: L }] }, author: { user: { name: L, displayName: L } }, fromRef: bbsRef, toRef: bbsRef } }],
    ['github', { 'x-github-event': 'package' }, { action: L, sender: { login: L }, package: ghPackage }],
    ['github', { 'x-github-event': 'registry_package' }, { action: L, sender: { login: L }, registry_package: ghPackage }],
  ]

  it.each(OTHER_EVENTS)('%s %j: parse returns or throws BodyError for any payload shape', (type, headers, spec) => {
    const sourceType = sourceTypes.get(type)!
    const config = { name: `${type}-hostile`, type, secrets: ['s'], options: {} }
    fc.assert(
      fc.property(skeleton(spec), (payload) => {
        const result = outcome(() => sourceType.parse(req(JSON.stringify(payload) ?? 'null', JSON_TYPE, headers), config))
        if (!result.ok) expect(result.error).toBeInstanceOf(BodyError)
      }),
      FC
    )
  })

  it('bitbucket-server: an authorTimestamp outside the Date range reads as no timestamp, not a RangeError', () => {
    const body = JSON.stringify({
      changes: [{ ref: { id: 'refs/heads/main', displayId: 'main', type: 'BRANCH' }, toHash: 'abc', type: 'UPDATE' }],
      commits: [{ id: 'abc', authorTimestamp: 1e300 }, { id: 'def', authorTimestamp: 1_700_000_000_000 }],
    })
    const parsed = sourceTypes.get('bitbucket-server')!.parse(req(body, JSON_TYPE, EVENTS['bitbucket-server']), {
      name: 'bbs',
      type: 'bitbucket-server',
      secrets: ['s'],
      options: {},
    })
    expect(parsed.pushes[0]!.commits.map((c) => c.timestamp)).toEqual([null, '2023-11-14T22:13:20.000Z'])
  })
})
