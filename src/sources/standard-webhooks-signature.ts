import { VerificationError } from '../errors.ts'
import { signingKey, signingKeyProblem, standardWebhookSignature } from '../standard-webhooks.ts'
import { header } from './headers.ts'
import { safeEqual } from './hmac.ts'
import { secretsFor } from './secrets.ts'
import type { InboundRequest, SourceConfig } from './types.ts'

/** The specification's replay window: a timestamp further than this from now is refused. */
const TOLERANCE_SECONDS = 5 * 60

/**
 * Verifies a Standard Webhooks request: `webhook-signature` holds one or more space-separated
 * `v1,<signature>` (see ../standard-webhooks.ts) over the raw body, and `webhook-timestamp` must
 * lie within 5 minutes of when the request arrived. Passes when any configured secret made any
 * signature.
 * @throws VerificationError naming what is missing, stale or wrong (for the log)
 */
export function verifyStandardWebhook(req: InboundRequest, source: SourceConfig, receivedAt: Date): void {
  const secrets = secretsFor(source)
  if (secrets === null) return
  const id = header(req, 'webhook-id')
  const timestamp = header(req, 'webhook-timestamp')
  const signatures = header(req, 'webhook-signature')
  for (const [name, value] of [['webhook-id', id], ['webhook-timestamp', timestamp], ['webhook-signature', signatures]] as const) {
    if (value === undefined || value === '') throw new VerificationError('SIGNATURE_MISSING', `${name} header is missing`)
  }
  if (!/^\d{1,12}$/.test(timestamp ?? '')) {
    throw new VerificationError('SIGNATURE_MISMATCH', `webhook-timestamp is not Unix seconds: "${timestamp}"`)
  }
  const skew = Math.round(receivedAt.getTime() / 1000 - Number(timestamp))
  if (Math.abs(skew) > TOLERANCE_SECONDS) {
    const when = skew > 0 ? `${skew} s old` : `${-skew} s in the future`
    throw new VerificationError('SIGNATURE_MISMATCH', `webhook-timestamp is ${when} (more than ${TOLERANCE_SECONDS} s): a replay, or a clock off`)
  }
  const given = (signatures ?? '').split(' ').flatMap((s) => (s.startsWith('v1,') ? [s.slice(3)] : []))
  // the loader refuses such secrets; one that reached here anyway (an empty key) must verify nothing
  const keys = secrets.filter((s) => signingKeyProblem(s) === null).map(signingKey)
  const expected = keys.map((key) => standardWebhookSignature(key, id ?? '', timestamp ?? '', req.rawBody))
  if (!expected.some((e) => given.some((g) => safeEqual(e, g)))) {
    throw new VerificationError('SIGNATURE_MISMATCH', 'webhook-signature has no v1 signature that matches a configured secret')
  }
}
