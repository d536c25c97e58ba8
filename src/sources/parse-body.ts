import { isUtf8 } from 'node:buffer'
import { BodyError } from '../errors.ts'
import { rememberJsonText } from './json-text-of.ts'
import type { InboundRequest } from './types.ts'

const FORM = 'application/x-www-form-urlencoded'
/** Keys that could reach Object.prototype through a later merge or assignment. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype'])
/**
 * Deepest nesting of arrays/objects a JSON body may have. JSON.parse itself copes with far more,
 * but everything after it recurses (JSONata results, JSON.stringify of a mapped body, logging) and
 * would die with a stack overflow deep inside routing instead of a clear 400. Real webhook
 * payloads nest well under 20 levels.
 */
export const MAX_JSON_DEPTH = 512

export function mediaType(req: InboundRequest): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
}

export function isFormEncoded(req: InboundRequest): boolean {
  return mediaType(req) === FORM
}

/** The body as text; strict UTF-8 so broken bytes are a 400, not silently replaced characters. */
export function bodyText(req: InboundRequest): string {
  const bytes = req.rawBody
  if (!isUtf8(bytes)) {
    throw new BodyError('body is not valid UTF-8')
  }
  // like TextDecoder, skip a byte order mark
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
  return (bom ? bytes.subarray(3) : bytes).toString('utf8')
}

/** The decoded `payload` field of a form post (GitHub, Gitea, Bitbucket legacy), or null. */
export function formPayloadText(req: InboundRequest): string | null {
  return isFormEncoded(req) ? new URLSearchParams(bodyText(req)).get('payload') : null
}

/**
 * True when `text` opens more than `max` arrays/objects without closing them (brackets inside
 * strings do not count). Counting the openers first (indexOf, fast) skips the character scan for
 * almost every real payload, which has fewer than `max` brackets in total.
 */
function nestsDeeperThan(text: string, max: number): boolean {
  let openers = 0
  for (let i = text.indexOf('['); i !== -1 && openers <= max; i = text.indexOf('[', i + 1)) openers++
  for (let i = text.indexOf('{'); i !== -1 && openers <= max; i = text.indexOf('{', i + 1)) openers++
  if (openers <= max) return false
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++ // backslash: skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return false
}

/**
 * JSON.parse that drops `__proto__` keys (and `constructor` objects, the other pollution route)
 * so nothing downstream can merge an attacker's prototype into shared objects. Duplicate keys
 * are not an error: the last one wins, as with JSON.parse (the signature covers the raw bytes).
 * @throws BodyError for invalid JSON and for nesting deeper than MAX_JSON_DEPTH
 */
export function parseJson(text: string, what = 'body'): unknown {
  // hostile input: refuse absurd nesting before anything recursive ever sees it
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new BodyError(`${what} nests arrays/objects deeper than ${MAX_JSON_DEPTH} levels`)
  }
  try {
    const value = JSON.parse(text) as unknown
    // a reviver makes JSON.parse several times slower: parse again with one only when the parsed
    // value holds a risky key (escaped spellings such as "\u005f_proto__" are decoded by then)
    const safe: unknown = hasRiskyKey(value)
      ? JSON.parse(text, (key, v: unknown) =>
          key === '__proto__' || (key === 'constructor' && typeof v === 'object' && v !== null) ? undefined : v
        )
      : value
    rememberJsonText(safe, text)
    return safe
  } catch (cause) {
    const detail = cause instanceof Error ? `: ${cause.message}` : ''
    throw new BodyError(`${what} is not valid JSON${detail}`, { cause })
  }
}

/** True when some object in `value` has an own `__proto__` or `constructor` key. */
function hasRiskyKey(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false
  if (Array.isArray(value)) return value.some(hasRiskyKey)
  if (Object.hasOwn(value, '__proto__') || Object.hasOwn(value, 'constructor')) return true
  for (const key in value) {
    if (hasRiskyKey((value as Record<string, unknown>)[key])) return true
  }
  return false
}

function formFields(params: URLSearchParams): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {}
  for (const [key, value] of params) {
    if (UNSAFE_KEYS.has(key)) continue
    const seen = fields[key]
    fields[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value]
  }
  return fields
}

/**
 * The envelope's `body`: parsed JSON, the decoded `payload` field of a form post, or the form
 * fields. An empty body is null (token-only triggers post nothing) unless `required` (senders that
 * always post a payload: an empty one is a broken request, answered 400 "empty body"). Any content
 * type other than form-encoded is read as JSON (senders mislabel JSON as text/plain), so XML,
 * multipart and other non-JSON bodies are a BodyError. A UTF-8 byte order mark is skipped; form
 * fields with broken percent-encoding decode leniently (URLSearchParams keeps `%zz` as is).
 * @throws BodyError when the bytes cannot be parsed for their content type
 */
export function parseBody(req: InboundRequest, options: { required?: boolean } = {}): unknown {
  const text = bodyText(req)
  if (text.trim() === '') {
    if (options.required) throw new BodyError('empty body: this sender always posts a JSON payload')
    return null
  }
  if (!isFormEncoded(req)) return parseJson(text)
  const params = new URLSearchParams(text)
  const payload = params.get('payload')
  if (payload !== null) return parseJson(payload, 'form field "payload"')
  if (/^\s*[[{]/.test(text)) {
    // a JSON body labelled as a form: read as form fields it would be one meaningless key
    throw new BodyError(
      'the body looks like JSON but Content-Type is application/x-www-form-urlencoded, so it was read as form fields and has no "payload" field: ' +
        'send it as application/json (or as payload=<json>)'
    )
  }
  return formFields(params)
}
