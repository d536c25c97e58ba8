import { createHmac } from 'node:crypto'

/**
 * The Standard Webhooks signature, shared by the http target that signs with it and the sources
 * that verify it: `v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">`, keyed
 * with the bytes of a `whsec_<base64>` secret.
 */

export const SECRET_PREFIX = 'whsec_'

/**
 * The fewest key bytes a verifying source accepts. The specification asks senders for 24 to 64
 * random bytes, but the key is the sender's to make, so a verifier stays a little more lenient:
 * 16 bytes (128 bits) is still beyond brute force. What it must refuse is a key that is no
 * protection at all: `whsec_` whose variable expanded to nothing decodes to the empty key, and
 * anyone can sign with that.
 */
export const MIN_VERIFY_KEY_BYTES = 16

/** Standard base64, padded to a multiple of 4 characters, as the reference implementations decode it. */
export function isBase64(text: string): boolean {
  return /^[A-Za-z0-9+/]*={0,2}$/.test(text) && text.length % 4 === 0
}

/** As the reference implementations read a secret: the base64 after an optional `whsec_`. */
export function signingKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64')
}

/**
 * Why a secret cannot key the signature, or null when it can. Buffer.from silently skips
 * characters that are not base64 (`whsec_!!!!` would decode to nothing), so the text is checked
 * first. The message follows "secret" and never quotes the secret itself.
 */
export function signingKeyProblem(secret: string, minBytes = MIN_VERIFY_KEY_BYTES): string | null {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret
  if (!isBase64(encoded)) {
    return `is not "${SECRET_PREFIX}" followed by base64 (letters, digits, "+" and "/", padded with "=" to a multiple of 4 characters): copy the sender's secret exactly`
  }
  const bytes = signingKey(secret).length
  if (bytes < minBytes) {
    return `decodes to ${bytes} bytes, fewer than the ${minBytes} a Standard Webhooks key needs: copy the sender's secret exactly (is its variable set?)`
  }
  return null
}

/** The base64 signature (without its `v1,` label) of one message. */
export function standardWebhookSignature(key: Buffer, id: string, timestamp: string | number, body: Buffer | string): string {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64')
}
