import type { InboundRequest } from './types.ts'

/** The first non-empty value among the given (lower-case) header names. */
export function header(req: InboundRequest, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = req.headers[name]?.trim()
    if (value) return value
  }
  return undefined
}
