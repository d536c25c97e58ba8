import { createHmac } from 'node:crypto'

/**
 * The Standard Webhooks signature, shared by the http target that signs with it and the sources
 * that verify it: `v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">`, keyed
 * with the bytes of a `whsec_<base64>` secret.
 */

export const SECRET_PREFIX = 'whsec_'

/** As the reference implementations read a secret: the base64 after an optional `whsec_`. */
export function signingKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64')
}

/** The base64 signature (without its `v1,` label) of one message. */
export function standardWebhookSignature(key: Buffer, id: string, timestamp: string | number, body: Buffer | string): string {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64')
}
