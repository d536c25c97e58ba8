const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
}

// One or more `<number><unit>` parts, so `1h30m` works as well as `90m`.
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/
const PLAIN_MS = /^\d+$/

/** Every accepted duration text, unanchored (the JSON Schema of rule files uses it too). */
export const DURATION_TEXT = new RegExp(`${PLAIN_MS.source.slice(1, -1)}|${WHOLE.source.slice(1, -1)}`)

const HINT = 'use a number of milliseconds or a number with a unit: 500ms, 10s, 5m, 1h, 1d (parts may combine: 1h30m)'

/**
 * Parses a rule-file duration into whole milliseconds.
 * Accepts `500ms`, `10s`, `5m`, `1h`, `1d`, combinations such as `1h30m`, a plain number of
 * milliseconds (YAML number) or a numeric string (what `${VAR}` expansion yields).
 * @throws Error with a message that shows the offending value and the accepted forms
 */
export function parseDuration(value: unknown): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) {
      throw new Error(`invalid duration ${String(value)}: must be a non-negative number of milliseconds`)
    }
    return Math.round(value)
  }
  if (typeof value !== 'string') {
    throw new Error(`invalid duration ${describe(value)}: ${HINT}`)
  }
  const text = value.trim()
  if (PLAIN_MS.test(text)) {
    return Number(text)
  }
  if (!WHOLE.test(text)) {
    throw new Error(`invalid duration ${JSON.stringify(value)}: ${HINT}`)
  }
  let total = 0
  for (const match of text.matchAll(PART)) {
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0)
  }
  return Math.round(total)
}

function describe(value: unknown): string {
  if (value === null || value === undefined) {
    return '(empty)'
  }
  // functions and symbols cannot come from YAML; typeof is enough for them
  return JSON.stringify(value) ?? typeof value
}
