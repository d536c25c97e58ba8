import { isMap, isScalar } from 'yaml'
import { readDuration, type SettingScope } from './read-settings.ts'
import type { CircuitPolicy, FlowControl } from './types.ts'
import { mapEntries, type MapEntry } from './yaml-nodes.ts'
import { nodeOrigin } from './yaml-positions.ts'

const CIRCUIT_KEYS = ['failures', 'pause']

/**
 * A target's `concurrency`, `supersede` and `circuit` keys. Every problem is reported at the
 * offending value; returns null when there was any.
 */
export function readFlowControl(byKey: ReadonlyMap<string, MapEntry>, scope: SettingScope): FlowControl | null {
  const before = scope.problems.size
  const concurrencyEntry = byKey.get('concurrency')
  const concurrency = concurrencyEntry === undefined ? null : readWholeNumber(concurrencyEntry, 'concurrency', scope)
  const supersede = readBoolean(byKey.get('supersede'), scope)
  const circuit = readCircuit(byKey.get('circuit'), scope)
  if (scope.problems.size !== before) {
    return null
  }
  return { concurrency, supersede: supersede ?? false, circuit }
}

function readCircuit(entry: MapEntry | undefined, scope: SettingScope): CircuitPolicy | null {
  if (entry === undefined || entry.value === null || (isScalar(entry.value) && entry.value.value === null)) {
    return null
  }
  if (!isMap(entry.value)) {
    scope.problems.add(valueOrigin(entry, scope), `${scope.prefix}: circuit must be a mapping { failures, pause }`)
    return null
  }
  const byKey = new Map<string, MapEntry>()
  for (const e of mapEntries(scope.doc, entry.value)) {
    if (CIRCUIT_KEYS.includes(e.key)) {
      byKey.set(e.key, e)
    } else {
      scope.problems.add(nodeOrigin(scope.loc, e.keyNode, scope.origin), `${scope.prefix}: unknown circuit key ${JSON.stringify(e.key)} (expected ${CIRCUIT_KEYS.join(', ')})`)
    }
  }
  const failuresEntry = byKey.get('failures')
  const pauseEntry = byKey.get('pause')
  if (failuresEntry === undefined || pauseEntry === undefined) {
    scope.problems.add(valueOrigin(entry, scope), `${scope.prefix}: circuit needs both failures (failed attempts in a row) and pause (a duration)`)
    return null
  }
  const failures = readWholeNumber(failuresEntry, 'circuit.failures', scope)
  const pauseMs = readDuration(pauseEntry, 0, scope, { label: 'circuit.pause', positive: true })
  return failures === null || pauseMs === null ? null : { failures, pauseMs }
}

function readWholeNumber(entry: MapEntry, label: string, scope: SettingScope): number | null {
  const raw = isScalar(entry.value) ? entry.value.value : undefined
  // a numeric string is what `${MAX_BUILDS:-2}` expands to
  const n = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    scope.problems.add(valueOrigin(entry, scope), `${scope.prefix}: ${label} must be a whole number >= 1`)
    return null
  }
  return n
}

function readBoolean(entry: MapEntry | undefined, scope: SettingScope): boolean | null {
  if (entry === undefined) {
    return null
  }
  const raw = isScalar(entry.value) ? entry.value.value : undefined
  const value = raw === 'true' ? true : raw === 'false' ? false : raw
  if (typeof value !== 'boolean') {
    scope.problems.add(valueOrigin(entry, scope), `${scope.prefix}: supersede must be true or false`)
    return null
  }
  return value
}

function valueOrigin(entry: MapEntry, scope: SettingScope): ReturnType<typeof nodeOrigin> {
  return nodeOrigin(scope.loc, entry.value, nodeOrigin(scope.loc, entry.keyNode, scope.origin))
}
