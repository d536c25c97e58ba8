import { VerificationError } from '../errors.ts'
import type { SourceConfig } from './types.ts'

/**
 * The secrets to check a request against, or null when the source explicitly opted out with
 * `verify: none`. A source without secrets that did not opt out must never accept anything:
 * failing closed protects against a secret variable that expanded to nothing.
 */
export function secretsFor(source: SourceConfig): readonly string[] | null {
  const secrets = source.secrets.filter((s) => s !== '')
  if (secrets.length > 0) return secrets
  if (source.options['verify'] === 'none') return null
  const reason = `source "${source.name}" has no secret and does not say verify: none`
  throw new VerificationError('SIGNATURE_MISMATCH', reason)
}
