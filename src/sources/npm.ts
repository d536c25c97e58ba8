import type { PackageView } from '../envelope.ts'
import { header } from './headers.ts'
import { verifyHmac } from './hmac.ts'
import { field, str } from './json-read.ts'
import { baseOptionsSchema } from './options.ts'
import { parseBody } from './parse-body.ts'
import type { SourceType } from './types.ts'

/**
 * The package view of a registry hook body. `change.version` names the version an event is
 * about (`package:publish`, `package:unpublish`); its publisher is that version's `_npmUser` in
 * the package document the hook carries, and a star's user is `change.user`.
 */
function npmPackage(body: unknown, event: string): PackageView | null {
  const name = str(body, 'name')
  const version = str(body, 'change', 'version')
  if (name === null && version === null) return null
  const publisher = version === null ? null : str(field(body, 'payload', 'versions', version), '_npmUser', 'name')
  return {
    feed: null,
    name,
    version,
    event,
    user: publisher ?? str(body, 'change', 'user'),
  }
}

/**
 * npm registry hooks (`npm hook add`): `x-npm-signature: sha256=<hex>`, the HMAC-SHA256 of the
 * raw body with the hook's secret. The body names the event (`package:publish`, ...) and has no
 * delivery id; its `time` (ms) makes every delivery's bytes, and so its body hash, unique.
 */
export const npmSource: SourceType = {
  type: 'npm',
  optionsSchema: baseOptionsSchema,

  verify(req, source) {
    verifyHmac(source, {
      header: 'x-npm-signature',
      value: header(req, 'x-npm-signature'),
      data: req.rawBody,
      algorithm: 'sha256',
      prefix: 'sha256=',
    })
  },

  parse(req) {
    const body = parseBody(req)
    const event = str(body, 'event') ?? 'unknown'
    return { event, deliveryId: null, ping: false, body, pushes: [], pullRequest: null, package: npmPackage(body, event) }
  },
}
