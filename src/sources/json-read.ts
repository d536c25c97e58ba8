/**
 * Tiny readers over parsed (untrusted, `unknown`) bodies. Normalizers read a handful of paths
 * and must never throw on an unexpected shape: a missing or mistyped field simply reads as null.
 */
export type JsonObject = Record<string, unknown>

export function asObject(value: unknown): JsonObject | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : null
}

export function field(value: unknown, ...path: string[]): unknown {
  let current: unknown = value
  for (const key of path) {
    const obj = asObject(current)
    if (obj === null || !Object.hasOwn(obj, key)) return undefined
    current = obj[key]
  }
  return current
}

/** A non-empty string (numbers are stringified: `"version": 3` is still a version). */
export function str(value: unknown, ...path: string[]): string | null {
  const v = field(value, ...path)
  if (typeof v === 'number' && Number.isFinite(v)) return String(v)
  return typeof v === 'string' && v !== '' ? v : null
}

export function bool(value: unknown, ...path: string[]): boolean | null {
  const v = field(value, ...path)
  return typeof v === 'boolean' ? v : null
}

export function arr(value: unknown, ...path: string[]): unknown[] {
  const v = field(value, ...path)
  return Array.isArray(v) ? v : []
}

/** A safe integer (digit strings too: ids arrive either way), else null. */
export function int(value: unknown, ...path: string[]): number | null {
  const v = field(value, ...path)
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v
  return typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : null
}
