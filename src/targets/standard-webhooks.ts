import { createHmac } from 'node:crypto'
import * as z from 'zod'
import type { OutboundRequest, SigningMoment } from './types.ts'

/**
 * Outbound signing as the Standard Webhooks specification defines it (the scheme Svix and
 * GitLab's signing tokens use): `webhook-id`, `webhook-timestamp` (Unix seconds) and
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, keyed with the
 * bytes of a `whsec_<base64>` secret. Receivers verify with any Standard Webhooks library and
 * reject stale timestamps, so the headers are made at each attempt, not when the request is built.
 */

const PREFIX = 'whsec_'
/** the specification asks for 24 to 64 random bytes */
const MIN_KEY_BYTES = 24
const MAX_KEY_BYTES = 64

export const signingSecretOption = z.string().superRefine((value, ctx) => {
  const bytes = keyBytes(value)
  if (bytes === null) {
    ctx.addIssue({ code: 'custom', message: `must be "${PREFIX}" followed by base64, e.g. "${PREFIX}$(openssl rand -base64 32)"` })
  } else if (bytes.length < MIN_KEY_BYTES || bytes.length > MAX_KEY_BYTES) {
    ctx.addIssue({ code: 'custom', message: `must decode to ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES} bytes, got ${bytes.length}` })
  }
})

/** The request with the three Standard Webhooks headers added (replacing any of the same name). */
export function signStandardWebhook(request: OutboundRequest, secret: string, moment: SigningMoment): OutboundRequest {
  const key = keyBytes(secret)
  if (key === null) {
    throw new Error('signing secret is not "whsec_" followed by base64') // the option schema refused it already
  }
  const signature = createHmac('sha256', key).update(`${moment.id}.${moment.timestampSeconds}.${request.body}`).digest('base64')
  const ours = new Set(['webhook-id', 'webhook-timestamp', 'webhook-signature'])
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !ours.has(name.toLowerCase())))
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

function keyBytes(secret: string): Buffer | null {
  if (!secret.startsWith(PREFIX)) return null
  const encoded = secret.slice(PREFIX.length)
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return null
  return Buffer.from(encoded, 'base64')
}
