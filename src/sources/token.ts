import { createHash, timingSafeEqual } from 'node:crypto'
import { VerificationError } from '../errors.ts'
import { header } from './headers.ts'
import { secretsFor } from './secrets.ts'
import type { InboundRequest, SourceConfig } from './types.ts'

const BEARER = /^Bearer\s+(\S.*)$/i

/** Constant-time equality for shared tokens; hashing first hides the secret's length too. */
export function tokenEquals(presented: string, secret: string): boolean {
  const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest()
  return timingSafeEqual(sha(presented), sha(secret))
}

/** Every place a sender that cannot sign (ProGet, scripts) may put the shared token. */
export function presentedTokens(req: InboundRequest): string[] {
  const bearer = BEARER.exec(header(req, 'authorization') ?? '')?.[1]?.trim()
  const candidates = [req.query['token'], header(req, 'x-hookyard-token'), bearer]
  return candidates.filter((t): t is string => typeof t === 'string' && t !== '')
}

/** Passes when any presented token equals any configured secret (rotation). */
export function verifyToken(req: InboundRequest, source: SourceConfig): void {
  const secrets = secretsFor(source)
  if (secrets === null) return
  const presented = presentedTokens(req)
  if (presented.length === 0) {
    const reason = 'no token: expected ?token=, X-Hookyard-Token or Authorization: Bearer'
    throw new VerificationError('SIGNATURE_MISSING', reason)
  }
  const matches = presented.some((token) => secrets.some((secret) => tokenEquals(token, secret)))
  if (!matches) throw new VerificationError('SIGNATURE_MISMATCH', 'token does not match any configured secret')
}
