import { BodyError } from '../errors.ts'
import type { InboundRequest } from './types.ts'

const FORM = 'application/x-www-form-urlencoded'
/** Keys that could reach Object.prototype through a later merge or assignment. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype'])
/** Also matches the escaped spellings JSON allows (`"\u005f_proto__"`), erring towards the slow path. */
const RISKY_KEY = /__proto__|constructor|\\u/

export function mediaType(req: InboundRequest): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
}

export function isFormEncoded(req: InboundRequest): boolean {
  return mediaType(req) === FORM
}

/** The body as text; fatal decoding so broken bytes are a 400, not silently replaced characters. */
export function bodyText(req: InboundRequest): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(req.rawBody)
  } catch (cause) {
    throw new BodyError('body is not valid UTF-8', { cause })
  }
}

/** The decoded `payload` field of a form post (GitHub, Gitea, Bitbucket legacy), or null. */
export function formPayloadText(req: InboundRequest): string | null {
  return isFormEncoded(req) ? new URLSearchParams(bodyText(req)).get('payload') : null
}

/**
 * JSON.parse that drops `__proto__` keys (and `constructor` objects, the other pollution route)
 * so nothing downstream can merge an attacker's prototype into shared objects.
 */
export function parseJson(text: string, what = 'body'): unknown {
  try {
    // a reviver makes JSON.parse several times slower; only pay for it when a risky key is present
    if (!RISKY_KEY.test(text)) {
      return JSON.parse(text) as unknown
    }
    return JSON.parse(text, (key, value: unknown) =>
      key === '__proto__' || (key === 'constructor' && typeof value === 'object' && value !== null)
        ? undefined
        : value
    )
  } catch (cause) {
    const detail = cause instanceof Error ? `: ${cause.message}` : ''
    throw new BodyError(`${what} is not valid JSON${detail}`, { cause })
  }
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
 * fields. An empty body is null (token-only triggers and pings post nothing).
 * @throws BodyError when the bytes cannot be parsed for their content type
 */
export function parseBody(req: InboundRequest): unknown {
  const text = bodyText(req)
  if (text.trim() === '') return null
  if (!isFormEncoded(req)) return parseJson(text)
  const params = new URLSearchParams(text)
  const payload = params.get('payload')
  return payload === null ? formFields(params) : parseJson(payload, 'form field "payload"')
}
