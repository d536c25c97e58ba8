import * as z from 'zod'
import { isBase64, SECRET_PREFIX, signingKey, standardWebhookSignature } from '../standard-webhooks.ts'
import type { OutboundRequest, SigningMoment } from './types.ts'

/**
 * Outbound signing as the Standard Webhooks specification defines it (the scheme Svix and
 * GitLab's signing tokens use): `webhook-id`, `webhook-timestamp` (Unix seconds) and
 * `webhook-signature: v1,<signature>` (see ../standard-webhooks.ts). Receivers verify with any
 * Standard Webhooks library and reject stale timestamps, so the headers are made at each
 * attempt, not when the request is built.
 */

/** the specification asks for 24 to 64 random bytes */
const MIN_KEY_BYTES = 24
const MAX_KEY_BYTES = 64
/** the headers signing sets; any of the same name, whatever its case, is replaced */
const SIGNING_HEADERS = new Set(['webhook-id', 'webhook-timestamp', 'webhook-signature'])

/** Stricter than a verifier's reading of a secret: the prefix and well-formed base64 are required. */
export const signingSecretOption = z.string().superRefine((value, ctx) => {
  const encoded = value.slice(SECRET_PREFIX.length)
  if (!value.startsWith(SECRET_PREFIX) || encoded === '' || !isBase64(encoded)) {
    ctx.addIssue({ code: 'custom', message: `must be "${SECRET_PREFIX}" followed by base64, e.g. "${SECRET_PREFIX}$(openssl rand -base64 32)"` })
    return
  }
  const bytes = signingKey(value)
  if (bytes.length < MIN_KEY_BYTES || bytes.length > MAX_KEY_BYTES) {
    ctx.addIssue({ code: 'custom', message: `must decode to ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES} bytes, got ${bytes.length}` })
  }
})

/** The request with the three Standard Webhooks headers added (replacing any of the same name). */
export function signStandardWebhook(request: OutboundRequest, secret: string, moment: SigningMoment): OutboundRequest {
  const signature = standardWebhookSignature(signingKey(secret), moment.id, moment.timestampSeconds, request.body)
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !SIGNING_HEADERS.has(name.toLowerCase())))
  return {
    ...request,
    headers: {
      ...headers,
      'webhook-id': moment.id,
      'webhook-timestamp': String(moment.timestampSeconds),
      'webhook-signature': `v1,${signature}`,
    },
  }
}
