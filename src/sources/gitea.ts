import { BodyError, VerificationError } from '../errors.ts'
import { githubStylePullRequest } from './github-pull-request.ts'
import { githubStylePush } from './github-push.ts'
import { header } from './headers.ts'
import { verifyHmac } from './hmac.ts'
import { str } from './json-read.ts'
import { baseOptionsSchema } from './options.ts'
import { formPayloadText, isFormEncoded, parseBody } from './parse-body.ts'
import type { InboundRequest, SourceType } from './types.ts'

/**
 * Gitea signs the JSON payload string even when it posts it form-encoded (unlike GitHub,
 * which signs the form body), so for form posts the HMAC input is the decoded `payload` field.
 */
function signedBytes(req: InboundRequest): Buffer | string {
  if (!isFormEncoded(req)) return req.rawBody
  let payload: string | null
  try {
    payload = formPayloadText(req)
  } catch (err) {
    // undecodable bytes cannot carry a valid signature; an unauthenticated sender gets the
    // same 401 as any other, not a 400 that tells it the signature check was never reached
    if (err instanceof BodyError) throw new VerificationError('SIGNATURE_MISMATCH', `form body cannot be checked: ${err.message}`)
    throw err
  }
  if (payload === null) throw new VerificationError('SIGNATURE_MISMATCH', 'form post without a payload field')
  return payload
}

/** Gitea, Forgejo and Gogs: bare lowercase hex HMAC-SHA256 in `X-Gitea-Signature` (or siblings). */
export const giteaSource: SourceType = {
  type: 'gitea',
  commits: true,
  optionsSchema: baseOptionsSchema,

  verify(req, source) {
    const value = header(req, 'x-gitea-signature', 'x-forgejo-signature', 'x-gogs-signature')
    // an unsigned request is rejected before we decode anything on its behalf
    const data = value === undefined ? req.rawBody : signedBytes(req)
    verifyHmac(source, { header: 'X-Gitea-Signature', value, data, algorithm: 'sha256' })
  },

  parse(req) {
    const body = parseBody(req, { required: true })
    const event = header(req, 'x-gitea-event', 'x-forgejo-event', 'x-gogs-event') ?? 'unknown'
    const pusher = str(body, 'pusher', 'login') ?? str(body, 'pusher', 'username')
    return {
      event,
      deliveryId: header(req, 'x-gitea-delivery', 'x-forgejo-delivery', 'x-gogs-delivery') ?? null,
      ping: false,
      body,
      pushes: event === 'push' ? [githubStylePush(body, pusher)] : [],
      // Gitea keeps refs/pull/N/head for every pull request, but no pre-merged ref
      pullRequest: event === 'pull_request' ? githubStylePullRequest(body, { head: true, merge: false }) : null,
      package: null,
    }
  },
}
