import { createHmac } from 'node:crypto'
import { VerificationError } from '../errors.ts'
import { header } from './headers.ts'
import { safeEqual } from './hmac.ts'
import { str } from './json-read.ts'
import { baseOptionsSchema } from './options.ts'
import { parseBody } from './parse-body.ts'
import { secretsFor } from './secrets.ts'
import type { SourceType } from './types.ts'

/** The specification's replay window: a timestamp further than this from now is refused. */
const TOLERANCE_SECONDS = 5 * 60
const SECRET_PREFIX = 'whsec_'

/**
 * Senders that follow the Standard Webhooks specification (Svix-based services, GitLab signing
 * tokens, another hookyard's signed http target): `webhook-signature` holds one or more
 * space-separated `v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{raw body}">`,
 * keyed with the base64-decoded secret (its `whsec_` prefix dropped). The event name is the
 * body's `type`, as the specification's payload structure puts it; `webhook-id` is the delivery id.
 */
export const standardWebhooksSource: SourceType = {
  type: 'standard-webhooks',
  optionsSchema: baseOptionsSchema,

  verify(req, source, receivedAt = new Date()) {
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
    const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`), req.rawBody])
    const given = (signatures ?? '').split(' ').flatMap((s) => (s.startsWith('v1,') ? [s.slice(3)] : []))
    const expected = secrets.map((s) => createHmac('sha256', keyBytes(s)).update(signed).digest('base64'))
    if (!expected.some((e) => given.some((g) => safeEqual(e, g)))) {
      throw new VerificationError('SIGNATURE_MISMATCH', 'webhook-signature has no v1 signature that matches a configured secret')
    }
  },

  parse(req) {
    const body = parseBody(req)
    return {
      event: str(body, 'type') ?? 'message',
      deliveryId: header(req, 'webhook-id') ?? null,
      ping: false,
      body,
      pushes: [],
      pullRequest: null,
      package: null,
    }
  },
}

/** As the reference implementations read a secret: the base64 after an optional `whsec_`. */
function keyBytes(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64')
}
