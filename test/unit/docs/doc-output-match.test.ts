import { describe, expect, it } from 'vitest'
import { jsonMatches, outputMatches } from '../../helpers/doc-checks.ts'

describe('comparing command output with the docs', () => {
  it('matches exactly, ignoring trailing spaces and final blank lines', () => {
    expect(outputMatches('rules OK: 2 sources  \n\n', 'rules OK: 2 sources')).toBe(true)
    expect(outputMatches('rules OK: 3 sources', 'rules OK: 2 sources')).toBe(false)
    expect(outputMatches('a\nb', 'a')).toBe(false)
  })

  it('takes … as any text within a line and a line of … as any lines', () => {
    expect(outputMatches('delivery  d9d24aee\nrules (version fa60)', 'delivery  …\nrules (version …)')).toBe(true)
    expect(outputMatches('PASS a\nPASS b\nPASS c\n3 passed, 0 failed', 'PASS a\n…\n… passed, 0 failed')).toBe(true)
    expect(outputMatches('PASS a\n3 passed, 1 failed', 'PASS a\n…\n… passed, 0 failed')).toBe(false)
    expect(outputMatches('x.y', 'x…z')).toBe(false)
  })

  it('compares JSON by value, with … standing in for ids', () => {
    const doc = { event: 'ev_mhx…', deliveries: [{ id: 'ev_mhx…-1', status: 'queued' }] }
    expect(jsonMatches({ event: 'ev_mhx9k2', deliveries: [{ id: 'ev_mhx9k2-1', status: 'queued' }] }, doc)).toBe(true)
    expect(jsonMatches({ event: 'ev_mhx9k2', deliveries: [{ id: 'ev_mhx9k2-1', status: 'failed' }] }, doc)).toBe(false)
    expect(jsonMatches({ event: 'ev_mhx9k2', deliveries: [] }, doc)).toBe(false)
    expect(jsonMatches({ event: 'ev_mhx9k2', deliveries: [{ id: 'ev_mhx9k2-1', status: 'queued', extra: 1 }] }, doc)).toBe(false)
  })
})
