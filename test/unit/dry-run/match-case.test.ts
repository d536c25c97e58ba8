import { describe, expect, it } from 'vitest'
import { formatDifference, joinPath, subsetDiff } from '../../../src/dry-run/diff-values.ts'
import { matchCase } from '../../../src/dry-run/match-case.ts'
import type { DryRunResult, DryRunRoute } from '../../../src/dry-run/run-dry-run.ts'
import type { OutboundRequest } from '../../../src/targets/types.ts'

describe('subsetDiff', () => {
  it('checks only the keys an expected object lists', () => {
    expect(subsetDiff({ a: 1, b: { c: 'x' } }, { a: 1, b: { c: 'x', d: 2 }, e: 3 })).toEqual([])
  })

  it('reports each differing or missing field by path', () => {
    expect(subsetDiff({ a: { b: 'main', c: 1 } }, { a: { b: 'master' } })).toEqual([
      { path: 'a.b', expected: 'main', actual: 'master' },
      { path: 'a.c', expected: 1, actual: undefined },
    ])
  })

  it('compares arrays and scalars exactly (no type coercion)', () => {
    expect(subsetDiff({ l: [1, 2] }, { l: [1, 2, 3] })).toHaveLength(1)
    expect(subsetDiff({ n: 1 }, { n: '1' })).toHaveLength(1)
    expect(subsetDiff('x', { x: 1 })).toEqual([{ path: '', expected: 'x', actual: { x: 1 } }])
  })

  it('formats paths and lines like a diff', () => {
    expect(joinPath('body', 'variables[SHA]')).toBe('body["variables[SHA]"]')
    expect(joinPath('', 'x-api-key')).toBe('x-api-key')
    expect(formatDifference({ path: 'body.branch', expected: 'main', actual: undefined })).toEqual([
      '- body.branch: "main"',
      '+ body.branch: (missing)',
    ])
  })
})

const jsonRequest: OutboundRequest = {
  method: 'POST',
  url: 'https://ci.example/build',
  headers: { 'Content-Type': 'application/json', 'X-ApiKey': '***' },
  body: '{"build_params":{"branch":"main","sha":"abc"}}',
}
const formRequest: OutboundRequest = {
  method: 'POST',
  url: 'https://gitlab.example/trigger',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: 'token=***&ref=main&variables%5BSHA%5D=abc',
}

function result(routes: DryRunRoute[]): DryRunResult {
  return { source: 'gh', type: 'github', event: 'push', delivery: 'd', ping: false, pushes: [], pull_request: null, package: null, hints: [], routes }
}

const matched = (route: string, target: string, request = jsonRequest): DryRunRoute => ({
  route,
  matched: true,
  deliveries: [{ target, request }],
})

describe('matchCase', () => {
  it('passes when every delivery is listed and the listed fields match', () => {
    const expected = [
      { route: 'r1', target: 't1', request: { method: 'POST', headers: { 'x-apikey': '***' }, body: { build_params: { branch: 'main' } } } },
      { route: 'r2', target: 't2', request: { body: { ref: 'main', 'variables[SHA]': 'abc' } } },
    ]
    expect(matchCase(expected, result([matched('r1', 't1'), matched('r2', 't2', formRequest)]))).toEqual([])
  })

  it('compares a string body with the exact bytes', () => {
    expect(matchCase([{ route: 'r', target: 't', request: { body: formRequest.body } }], result([matched('r', 't', formRequest)]))).toEqual([])
    const lines = matchCase([{ route: 'r', target: 't', request: { body: 'ref=main' } }], result([matched('r', 't', formRequest)]))
    expect(lines[0]).toBe('  delivery r -> t:')
  })

  it('shows expected and actual values of a mismatching field', () => {
    const expected = [{ route: 'r', target: 't', request: { body: { build_params: { branch: 'master' } } } }]
    expect(matchCase(expected, result([matched('r', 't')]))).toEqual([
      '  delivery r -> t:',
      '    - body.build_params.branch: "master"',
      '    + body.build_params.branch: "main"',
    ])
  })

  it('reports missing deliveries with the reason the route did not match, and extra ones', () => {
    const skipped: DryRunRoute = { route: 'r1', matched: false, reason: 'when is false: x = 1 (x is 2)', deliveries: [] }
    const lines = matchCase([{ route: 'r1', target: 't1' }], result([skipped, matched('r2', 't2')]))
    expect(lines).toEqual([
      '- delivery r1 -> t1 (missing: route r1 not matched: when is false: x = 1 (x is 2))',
      '+ delivery r2 -> t2 (unexpected: POST https://ci.example/build)',
    ])
    expect(matchCase([], result([skipped]))).toEqual([])
  })

  it('pairs repeated route/target deliveries in order', () => {
    const twice: DryRunRoute = { route: 'r', matched: true, deliveries: [{ target: 't', request: jsonRequest }, { target: 't', request: jsonRequest }] }
    expect(matchCase([{ route: 'r', target: 't' }, { route: 'r', target: 't' }], result([twice]))).toEqual([])
    expect(matchCase([{ route: 'r', target: 't' }], result([twice]))).toHaveLength(1)
  })

  it('matches mapping errors by substring and flags unexpected ones', () => {
    const failing: DryRunRoute = { route: 'r', matched: true, deliveries: [{ target: 't', request: null, error: 'route r, target t: bitrise needs branch, tag or workflow_id' }] }
    expect(matchCase([{ route: 'r', target: 't', error: 'needs branch' }], result([failing]))).toEqual([])
    expect(matchCase([{ route: 'r', target: 't' }], result([failing]))).toEqual([
      '  delivery r -> t:',
      '    - request',
      '    + mapping error: route r, target t: bitrise needs branch, tag or workflow_id',
    ])
    expect(matchCase([{ route: 'r', target: 't', error: 'x' }], result([matched('r', 't')]))[2]).toBe('    + request POST https://ci.example/build')
  })

  it('always fails on a route whose expression failed', () => {
    const broken: DryRunRoute = { route: 'r', matched: false, reason: 'boom', error: { code: 'T2002', message: 'T2002: boom' }, deliveries: [] }
    expect(matchCase([], result([broken]))).toEqual(['! route r failed: T2002: boom'])
  })
})
