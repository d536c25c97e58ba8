import { isDeepStrictEqual } from 'node:util'

/** One field where a case file's expectation and the rendered request disagree. */
export interface Difference {
  path: string
  expected: unknown
  /** undefined when the field is missing */
  actual: unknown
}

/**
 * Compares what a case file expects with what was rendered. Objects match as a subset (only
 * the keys the case lists are checked, so cases stay short and survive new fields); arrays and
 * scalars must be equal exactly.
 */
export function subsetDiff(expected: unknown, actual: unknown, path = ''): Difference[] {
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return [{ path, expected, actual }]
    return Object.entries(expected).flatMap(([key, value]) => subsetDiff(value, actual[key], joinPath(path, key)))
  }
  return isDeepStrictEqual(expected, actual) ? [] : [{ path, expected, actual }]
}

/** `- path: expected` / `+ path: actual` lines, the way a unified diff reads. */
export function formatDifference(d: Difference): string[] {
  const label = d.path === '' ? '(value)' : d.path
  return [`- ${label}: ${show(d.expected)}`, `+ ${label}: ${d.actual === undefined ? '(missing)' : show(d.actual)}`]
}

export function joinPath(path: string, key: string): string {
  const part = /^[A-Za-z_][\w-]*$/.test(key) ? key : JSON.stringify(key)
  if (path === '') return part.startsWith('"') ? `[${part}]` : part
  return part.startsWith('"') ? `${path}[${part}]` : `${path}.${part}`
}

function show(value: unknown): string {
  return value === undefined ? '(missing)' : JSON.stringify(value)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
