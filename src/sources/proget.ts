import { baseOptionsSchema } from './options.ts'
import { eventName, packageView } from './package-view.ts'
import { parseBody } from './parse-body.ts'
import { verifyToken } from './token.ts'
import type { SourceType } from './types.ts'

/**
 * ProGet (Inedo) notifiers: the body is an admin-written template with no signature and no
 * delivery id, so authenticity is a shared token in the relay URL or a templated header.
 */
export const progetSource: SourceType = {
  type: 'proget',
  optionsSchema: baseOptionsSchema,

  verify(req, source) {
    verifyToken(req, source)
  },

  parse(req) {
    const body = parseBody(req)
    const event = eventName(req, body, 'message')
    return { event, deliveryId: null, ping: false, body, pushes: [], pullRequest: null, package: packageView(body, event) }
  },
}
