/**
 * The build a CI system says it started, read from its answer to the trigger request: shown on
 * the delivery (dashboard, admin API, `hookyard test`, notifications) and used by reporters.
 * Every field is optional because each CI system answers with a different subset.
 */
export interface BuildReference {
  /** a link to the build's page; only http(s) URLs are kept */
  url?: string
  /** the CI system's own id for the build, pipeline or queue item */
  id?: string
  /** the human-facing build number (#42), when the CI system has one */
  number?: string
}

/** The part of a target's answer a preset reads the build reference from. */
export interface TargetResponse {
  status: number
  /** header names in lower case */
  headers: Record<string, string>
  body: string
}

/** Longest id or number kept: a real one is short; a longer value is not what the CI system documents. */
const MAX_ID_CHARS = 200
/** Longest URL kept, so a hostile answer cannot bloat the delivery record. */
const MAX_URL_CHARS = 2048

/**
 * The reference made of what a preset found in the answer, each value checked: `url` only when it
 * is an absolute http(s) URL (never `javascript:` or `data:`), `id` and `number` only as short
 * strings or integers. Undefined when nothing usable is left.
 */
export function buildReference(found: { url?: unknown; id?: unknown; number?: unknown }): BuildReference | undefined {
  const url = httpUrl(found.url)
  const id = shortValue(found.id)
  const number = shortValue(found.number)
  if (url === undefined && id === undefined && number === undefined) {
    return undefined
  }
  return { ...(url === undefined ? {} : { url }), ...(id === undefined ? {} : { id }), ...(number === undefined ? {} : { number }) }
}

/** The body as a JSON object, or undefined when it is anything else (empty, HTML, an array, cut off). */
export function jsonObjectBody(response: TargetResponse): Record<string, unknown> | undefined {
  try {
    return asObject(JSON.parse(response.body))
  } catch {
    return undefined
  }
}

/** `value` when it is a plain object, otherwise undefined: lets a reader walk a body of any shape. */
export function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
}

function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_URL_CHARS || !URL.canParse(value)) {
    return undefined
  }
  const url = new URL(value)
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined
}

function shortValue(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) {
    return String(value)
  }
  // printable characters only: the value ends up in logs, chat messages and commit statuses
  if (typeof value === 'string' && value !== '' && value.length <= MAX_ID_CHARS && /^[^\p{Cc}]+$/u.test(value)) {
    return value
  }
  return undefined
}
