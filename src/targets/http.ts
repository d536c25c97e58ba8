import * as z from 'zod'
import { MappingError } from '../errors.ts'
import { appendRelativePath } from './append-relative-path.ts'
import { headerProblem } from './header-rules.ts'
import { kindOf } from './kind-of.ts'
import { hookUrlOption } from './option-schemas.ts'
import { requireObject } from './require-object.ts'
import { signingSecretOption, signStandardWebhook } from './standard-webhooks.ts'
import type { OutboundRequest, TargetPreset } from './types.ts'

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const
type Method = (typeof METHODS)[number]

const methodOption = z
  .string()
  .transform((m) => m.toUpperCase())
  .pipe(z.enum(METHODS, { error: `must be one of ${METHODS.join(', ')}` }))

const headersOption = z.record(z.string(), z.string()).superRefine((headers, ctx) => {
  for (const [name, value] of Object.entries(headers)) {
    const problem = headerProblem(name, value)
    if (problem !== null) {
      ctx.addIssue({ code: 'custom', message: problem, path: [name] })
    }
  }
})

const optionsSchema = z
  .object({
    url: hookUrlOption,
    method: methodOption.default('POST'),
    headers: headersOption.optional(),
    // Standard Webhooks signing of every attempt (webhook-id, webhook-timestamp, webhook-signature)
    signing_secret: signingSecretOption.optional(),
  })
  .strict()

export type HttpOptions = z.infer<typeof optionsSchema>

const WHAT = 'http'

/** The keys of the `{ method?, path?, query?, headers?, body }` form of the map output. */
const REQUEST_KEYS = ['method', 'path', 'query', 'headers', 'body']

/** Default map: the inbound body, forwarded unchanged as JSON. */
const DEFAULT_MAP = 'body'

/**
 * Sends to any HTTP endpoint. The map produces either just a body or
 * `{ method?, path?, query?, headers?, body }` (an object with a `body` key and no other keys).
 * `path` is appended to the configured URL and can never change its scheme, host or port.
 * Strings are sent as text/plain, anything else as JSON; GET sends no body; a null body is empty.
 *
 * @example
 * ```yaml
 * targets:
 *   deploy-hook:
 *     type: http
 *     url: https://deploy.example.com/hooks/
 *     headers: { Authorization: "Bearer ${DEPLOY_TOKEN}" }
 *     signing_secret: ${DEPLOY_SIGNING_SECRET}   # optional: Standard Webhooks signature on every attempt
 * # map: { "path": "apps/" & push.repo, "query": { "sha": push.sha }, "body": { "ref": push.ref } }
 * ```
 */
export const httpPreset: TargetPreset<HttpOptions> = {
  type: 'http',
  optionsSchema,
  secretOptions: ['headers', 'signing_secret'],
  defaultMap: DEFAULT_MAP,
  defaultCooldownMs: 0,
  buildRequest(mapped: unknown, options: HttpOptions): OutboundRequest {
    if (mapped === undefined) {
      throw new MappingError(`${WHAT} needs a body to send, but the map produced nothing`)
    }
    const parts = isRequestForm(mapped) ? mapped : { body: mapped }

    const rawMethod = parts['method']
    const method = rawMethod === undefined || rawMethod === null ? options.method : readMethod(rawMethod)
    let url = new URL(options.url)
    if (parts['path'] !== undefined && parts['path'] !== null) {
      if (typeof parts['path'] !== 'string') {
        throw new MappingError(`${WHAT}: path must be a string, but the map produced ${kindOf(parts['path'])}`)
      }
      url = appendRelativePath(url, parts['path'], WHAT)
    }
    if (parts['query'] !== undefined && parts['query'] !== null) {
      appendQuery(url, requireObject(parts['query'], `${WHAT} query`))
    }

    const headers = mergeHeaders(options.headers ?? {}, readHeaders(parts['headers']))
    const body = method === 'GET' ? null : parts['body']
    if (body === null || body === undefined) {
      return { method, url: url.href, headers, body: '' }
    }
    const hasContentType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')
    if (!hasContentType) {
      const contentType = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json'
      return { method, url: url.href, headers: { 'Content-Type': contentType, ...headers }, body: serialize(body) }
    }
    return { method, url: url.href, headers, body: serialize(body) }
  },
  signAttempt(request: OutboundRequest, options: HttpOptions, moment) {
    return options.signing_secret === undefined ? request : signStandardWebhook(request, options.signing_secret, moment)
  },
}

function serialize(body: unknown): string {
  return typeof body === 'string' ? body : JSON.stringify(body)
}

function isRequestForm(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return false
  }
  const keys = Object.keys(value)
  return keys.includes('body') && keys.every((k) => REQUEST_KEYS.includes(k))
}

function readMethod(value: unknown): Method {
  const method = typeof value === 'string' ? value.toUpperCase() : ''
  const known = METHODS.find((m) => m === method)
  if (known === undefined) {
    throw new MappingError(`${WHAT}: method must be one of ${METHODS.join(', ')}, got ${JSON.stringify(value)}`)
  }
  return known
}

function appendQuery(url: URL, query: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === null || item === undefined) {
        continue
      }
      if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
        throw new MappingError(`${WHAT}: query.${key} must be a string, number, boolean or a list of them`)
      }
      url.searchParams.append(key, String(item))
    }
  }
}

function readHeaders(value: unknown): Record<string, string> {
  if (value === undefined || value === null) {
    return {}
  }
  const out: Record<string, string> = {}
  for (const [name, v] of Object.entries(requireObject(value, `${WHAT} headers`))) {
    if (v === null || v === undefined) {
      continue
    }
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new MappingError(`${WHAT}: header ${name} must be a string, but the map produced ${kindOf(v)}`)
    }
    const text = String(v)
    const problem = headerProblem(name, text)
    if (problem !== null) {
      throw new MappingError(`${WHAT}: ${problem}`)
    }
    out[name] = text
  }
  return out
}

/** Mapped headers win over configured ones, compared without regard to case. */
function mergeHeaders(configured: Record<string, string>, mapped: Record<string, string>): Record<string, string> {
  const overridden = new Set(Object.keys(mapped).map((n) => n.toLowerCase()))
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(configured)) {
    if (!overridden.has(name.toLowerCase())) {
      out[name] = value
    }
  }
  return Object.assign(out, mapped)
}
