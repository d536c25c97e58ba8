import { signingKeyProblem } from '../standard-webhooks.ts'
import { header } from './headers.ts'
import { str } from './json-read.ts'
import { baseOptionsSchema } from './options.ts'
import { parseBody } from './parse-body.ts'
import { verifyStandardWebhook } from './standard-webhooks-signature.ts'
import type { SourceType } from './types.ts'

/**
 * Senders that follow the Standard Webhooks specification (Svix-based services, another
 * hookyard's signed http target; see standard-webhooks-signature.ts for the scheme). The event
 * name is the body's `type`, as the specification's payload structure puts it; `webhook-id` is
 * the delivery id.
 */
export const standardWebhooksSource: SourceType = {
  type: 'standard-webhooks',
  optionsSchema: baseOptionsSchema,
  secretProblem: (secret) => signingKeyProblem(secret),

  verify(req, source, receivedAt = new Date()) {
    verifyStandardWebhook(req, source, receivedAt)
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
