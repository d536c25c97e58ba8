import { readFileSync } from 'node:fs'
import type { z } from '@hono/zod-openapi'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { adminApiMarkdown, typeOf, type ApiDocument } from '../../../scripts/admin-api-markdown.ts'
import { adminApiDocument } from '../../../src/http/admin-api-document.ts'
import type { AttemptRecord } from '../../../src/store/records.ts'
import type { AdminDeps } from '../../../src/http/admin-deps.ts'
import type { attempt, deliveryView, eventSummary } from '../../../src/http/admin-schemas.ts'
import type { DeliveryView, EventSummary } from '../../../src/http/admin-views.ts'
import { createApp } from '../../../src/http/create-app.ts'
import { createLogger } from '../../../src/logger.ts'

const STALE = 'is out of date: run "npm run api-docs" and commit docs/openapi.json and docs/admin-api.md'
const read = (path: string): string => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8')

/** The document as docs/openapi.json holds it: JSON, without the generator's object types. */
const generated = JSON.parse(JSON.stringify(adminApiDocument())) as ApiDocument

/**
 * The admin routes as the server registers them. Building the app only registers routes, so the
 * dependencies are never used; any read of one but the token fails the test instead of passing
 * on something made up.
 */
function registeredAdminRoutes(): Set<string> {
  const token = 'route-table-token-0123456789'
  const deps = new Proxy({ token } as AdminDeps, {
    get(target, key) {
      if (key === 'token') return target.token
      throw new Error(`registering the admin routes read deps.${String(key)}`)
    },
  })
  const app = createApp({
    ingest: null,
    admin: deps,
    logger: createLogger({ level: 'silent' }),
    maxBodyBytes: 1024,
    readiness: () => Promise.resolve({ ready: true, details: {} }),
  })
  // middleware (the token check) is registered for ALL methods; a route is one method on one path
  return new Set(app.routes.filter((r) => r.path.startsWith('/api/') && r.method !== 'ALL').map((r) => `${r.method} ${r.path}`))
}

function documentedRoutes(doc: ApiDocument): Set<string> {
  return new Set(
    Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`)
    )
  )
}

describe('the admin API reference', () => {
  it('docs/openapi.json is the document the route definitions generate', () => {
    expect(JSON.parse(read('docs/openapi.json')), `docs/openapi.json ${STALE}`).toEqual(generated)
  })

  it('docs/admin-api.md is the page that document renders to', () => {
    expect(read('docs/admin-api.md'), `docs/admin-api.md ${STALE}`).toBe(adminApiMarkdown(generated))
  })

  it('documents every admin route the server registers, and only those', () => {
    const registered = registeredAdminRoutes()
    const documented = documentedRoutes(generated)
    expect(registered.size).toBeGreaterThanOrEqual(14)
    expect([...registered].filter((r) => !documented.has(r)), 'registered without a definition (use api.openapi(definition, handler))').toEqual([])
    expect([...documented].filter((r) => !registered.has(r)), 'defined but not registered').toEqual([])
  })

  it('names every field of the records the API shows (checked by the type check)', () => {
    // a field added to a record must be documented: the handlers' reply types accept extra fields
    expectTypeOf<keyof z.output<typeof deliveryView>>().toEqualTypeOf<keyof DeliveryView>()
    expectTypeOf<keyof z.output<typeof eventSummary>>().toEqualTypeOf<keyof EventSummary>()
    expectTypeOf<keyof z.output<typeof attempt>>().toEqualTypeOf<keyof AttemptRecord>()
  })

  it('lists each endpoint with its parameters, answers and a curl example', () => {
    const page = adminApiMarkdown(generated)
    for (const route of documentedRoutes(generated)) {
      const [method, path] = route.split(' ') as [string, string]
      expect(page, route).toContain(`### ${method} ${path.replace(/:(\w+)/g, '{$1}')}`)
    }
    expect(page).toContain('| `limit` | query | no | `integer, default 50` | most items in the page, 1 to 200 |')
    expect(page).toContain(`curl -sS -X POST -H "Authorization: Bearer $HOOKYARD_ADMIN_TOKEN" 'http://localhost:8080/api/targets/ci/retry-failed'`)
    expect(page).toContain('| 200 | [EventPage](#eventpage) | A page of events |')
    expect(page).toMatch(/### EventPage\n\n```ts\n\{\n {2}items: EventSummary\[\]\n {2}next_cursor: string \| null/)
  })

  it('refuses an endpoint whose tag has no section, rather than leaving it off the page', () => {
    const doc: ApiDocument = {
      info: { title: 't', version: '1' },
      tags: [{ name: 'events' }],
      paths: { '/api/x': { get: { tags: ['misc'], responses: {} } } },
    }
    expect(() => adminApiMarkdown(doc)).toThrow('GET /api/x: its tag "misc" is not in the document\'s tags')
  })

  it('writes schemas as the types a client reads', () => {
    expect(typeOf({ anyOf: [{ $ref: '#/components/schemas/Envelope' }, { type: 'null' }] }, '')).toBe('Envelope | null')
    expect(typeOf({ type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } }, '')).toBe('(string | integer)[]')
    expect(typeOf({ type: 'array', prefixItems: [] }, '')).toBe('[]')
    expect(typeOf({ type: 'object', additionalProperties: { type: 'string' } }, '')).toBe('Record<string, string>')
    expect(
      typeOf({ type: 'object', properties: { a: { type: ['string', 'null'], description: 'why' }, b: { enum: ['x', 'y'] } }, required: ['a'] }, '')
    ).toBe('{\n  a: string | null  // why\n  b?: "x" | "y"\n}')
  })
})
