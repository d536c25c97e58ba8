import { isMap, isScalar } from 'yaml'
import { parseDuration } from './parse-duration.ts'
import type { ProblemList } from './problem-list.ts'
import { retryFields } from './rule-file-fields.ts'
import type { Origin, RetryPolicy } from './types.ts'
import { mapEntries, toPlain, type MapEntry } from './yaml-nodes.ts'
import { nodeOrigin, type FileLocator } from './yaml-positions.ts'
import type { Document } from 'yaml'

export interface SettingScope {
  loc: FileLocator
  doc: Document
  origin: Origin
  /** e.g. `target bitrise-ios` */
  prefix: string
  problems: ProblemList
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, backoffMs: 2_000, maxBackoffMs: 600_000 }
export const DEFAULT_TIMEOUT_MS = 10_000

const RETRY_KEYS = Object.keys(retryFields)

/**
 * A duration setting, or `fallback` when the key is absent.
 * @returns null when the value is invalid (the problem is reported)
 */
export function readDuration(
  entry: MapEntry | undefined,
  fallback: number,
  scope: SettingScope,
  opts: { label?: string; positive?: boolean } = {}
): number | null {
  if (entry === undefined) {
    return fallback
  }
  const label = opts.label ?? entry.key
  const at = valueOrigin(entry, scope)
  try {
    const ms = parseDuration(isScalar(entry.value) ? entry.value.value : toPlain(scope.doc, entry.value))
    if (opts.positive === true && ms <= 0) {
      scope.problems.add(at, `${scope.prefix}: ${label} must be greater than 0`)
      return null
    }
    return ms
  } catch (err) {
    scope.problems.add(at, `${scope.prefix}: ${label}: ${(err as Error).message}`)
    return null
  }
}

/** `retry: { attempts, backoff, max_backoff }`, each defaulted. */
export function readRetry(entry: MapEntry | undefined, scope: SettingScope): RetryPolicy | null {
  if (entry === undefined || (isScalar(entry.value) && entry.value.value === null) || entry.value === null) {
    return DEFAULT_RETRY
  }
  if (!isMap(entry.value)) {
    scope.problems.add(valueOrigin(entry, scope), `${scope.prefix}: retry must be a mapping { attempts, backoff, max_backoff }`)
    return null
  }
  const before = scope.problems.size
  const byKey = new Map<string, MapEntry>()
  for (const e of mapEntries(scope.doc, entry.value)) {
    if (RETRY_KEYS.includes(e.key)) {
      byKey.set(e.key, e)
    } else {
      const at = nodeOrigin(scope.loc, e.keyNode, scope.origin)
      scope.problems.add(at, `${scope.prefix}: unknown retry key ${JSON.stringify(e.key)} (expected ${RETRY_KEYS.join(', ')})`)
    }
  }
  const attempts = readAttempts(byKey.get('attempts'), scope)
  const backoffMs = readDuration(byKey.get('backoff'), DEFAULT_RETRY.backoffMs, scope, { label: 'retry.backoff' })
  const maxBackoffMs = readDuration(byKey.get('max_backoff'), Math.max(DEFAULT_RETRY.maxBackoffMs, backoffMs ?? 0), scope, {
    label: 'retry.max_backoff',
  })
  if (backoffMs !== null && maxBackoffMs !== null && maxBackoffMs < backoffMs) {
    const e = byKey.get('max_backoff')
    scope.problems.add(e ? valueOrigin(e, scope) : scope.origin, `${scope.prefix}: retry.max_backoff must not be shorter than retry.backoff`)
  }
  if (attempts === null || backoffMs === null || maxBackoffMs === null || scope.problems.size !== before) {
    return null
  }
  return { attempts, backoffMs, maxBackoffMs }
}

function readAttempts(entry: MapEntry | undefined, scope: SettingScope): number | null {
  if (entry === undefined) {
    return DEFAULT_RETRY.attempts
  }
  const raw = isScalar(entry.value) ? entry.value.value : undefined
  // a numeric string is what `${RETRY_ATTEMPTS:-8}` expands to
  const n = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    scope.problems.add(valueOrigin(entry, scope), `${scope.prefix}: retry.attempts must be a whole number >= 1 (total attempts, including the first)`)
    return null
  }
  return n
}

function valueOrigin(entry: MapEntry, scope: SettingScope): Origin {
  return nodeOrigin(scope.loc, entry.value, nodeOrigin(scope.loc, entry.keyNode, scope.origin))
}
