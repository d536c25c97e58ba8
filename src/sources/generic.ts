import * as z from 'zod'
import { VerificationError } from '../errors.ts'
import { header } from './headers.ts'
import { verifyHmac } from './hmac.ts'
import { verifyOption } from './options.ts'
import { eventName, packageView } from './package-view.ts'
import { parseBody } from './parse-body.ts'
import { verifyToken } from './token.ts'
import type { SourceConfig, SourceType } from './types.ts'

const hmacOptions = z
  .object({
    /** the header carrying the signature, e.g. `X-Signature` */
    header: z.string().min(1),
    algorithm: z.enum(['sha1', 'sha256', 'sha512']).optional(),
    /** text before the digest, e.g. `sha256=` */
    prefix: z.string().optional(),
    encoding: z.enum(['hex', 'base64']).optional(),
  })
  .strict()

export const genericOptionsSchema = z
  .object({
    verify: verifyOption,
    /** verify an HMAC of the raw body instead of a shared token */
    hmac: hmacOptions.optional(),
    /** the header holding the sender's delivery id, used to deduplicate */
    delivery_header: z.string().min(1).optional(),
  })
  .strict()

export type GenericOptions = z.infer<typeof genericOptionsSchema>

/** Options arrive validated; re-reading them types them, and a bad set must fail closed. */
function readOptions(source: SourceConfig): GenericOptions {
  const result = genericOptionsSchema.safeParse(source.options)
  if (!result.success) throw new VerificationError('SIGNATURE_MISMATCH', `source "${source.name}" has invalid options`)
  return result.data
}

/** Any sender: a shared token by default, or an HMAC header the rule file describes. */
export const genericSource: SourceType = {
  type: 'generic',
  optionsSchema: genericOptionsSchema,

  verify(req, source) {
    const { hmac } = readOptions(source)
    if (hmac === undefined) return verifyToken(req, source)
    verifyHmac(source, {
      header: hmac.header,
      value: header(req, hmac.header.toLowerCase()),
      data: req.rawBody,
      algorithm: hmac.algorithm ?? 'sha256',
      encoding: hmac.encoding ?? 'hex',
      prefix: hmac.prefix ?? '',
    })
  },

  parse(req, source) {
    const options = readOptions(source)
    const body = parseBody(req)
    const event = eventName(req, body, 'message')
    const deliveryHeader = options.delivery_header?.toLowerCase()
    const deliveryId = deliveryHeader === undefined ? null : (header(req, deliveryHeader) ?? null)
    return { event, deliveryId, ping: false, body, pushes: [], pullRequest: null, package: packageView(body, event) }
  },
}
