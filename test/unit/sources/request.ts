import { expect } from 'vitest'
import type { InboundRequest, SourceConfig } from '../../../src/sources/types.ts'

/** An InboundRequest as the HTTP layer builds it (lower-case header names, raw bytes). */
export function inbound(
  headers: Record<string, string>,
  body: string | Buffer,
  query: Record<string, string> = {}
): InboundRequest {
  return { method: 'POST', headers, query, rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8') }
}

export function sourceConfig(
  type: string,
  secrets: string[],
  options: Record<string, unknown> = {},
  name = `${type}-hooks`
): SourceConfig {
  return { name, type, secrets, options }
}

/** Runs fn and returns the error it throws (fails the test when it does not throw). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected the call to throw')
}

/** Asserts that fn throws a HookyardError with this code. */
export function expectCode(fn: () => unknown, code: string): void {
  expect(thrown(fn)).toMatchObject({ code })
}
