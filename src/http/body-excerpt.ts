import { maskSecrets } from '../secret-masking.ts'

/** Largest body text an admin response carries; the rest is cut and flagged. */
export const BODY_EXCERPT_BYTES = 64 * 1024

/**
 * Secrets are masked before the cut: cutting first could leave the head of a secret that
 * straddles the boundary unmasked.
 */
export function bodyExcerpt(body: Buffer | string, secretValues: readonly string[]): { body: string; body_truncated: boolean } {
  const masked = maskSecrets(typeof body === 'string' ? body : body.toString('utf8'), secretValues)
  const bytes = Buffer.from(masked, 'utf8')
  if (bytes.length <= BODY_EXCERPT_BYTES) {
    return { body: masked, body_truncated: false }
  }
  return { body: bytes.subarray(0, BODY_EXCERPT_BYTES).toString('utf8'), body_truncated: true }
}
