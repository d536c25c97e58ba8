import { GITHUB_PACKAGE_EVENTS, githubPackage } from './github-package.ts'
import { githubStylePullRequest } from './github-pull-request.ts'
import { githubStylePush } from './github-push.ts'
import { header } from './headers.ts'
import { verifyHmac } from './hmac.ts'
import { str } from './json-read.ts'
import { baseOptionsSchema } from './options.ts'
import { parseBody } from './parse-body.ts'
import type { SourceType } from './types.ts'

/**
 * GitHub (github.com, GHE Cloud, GHES). `X-Hub-Signature-256` covers the raw request body,
 * which for form-encoded hooks is the `payload=…` form body, not the decoded JSON.
 */
export const githubSource: SourceType = {
  type: 'github',
  optionsSchema: baseOptionsSchema,

  verify(req, source) {
    verifyHmac(source, {
      header: 'X-Hub-Signature-256',
      value: header(req, 'x-hub-signature-256'),
      data: req.rawBody,
      algorithm: 'sha256',
      prefix: 'sha256=',
    })
  },

  parse(req) {
    const body = parseBody(req, { required: true })
    const event = header(req, 'x-github-event') ?? 'unknown'
    return {
      event,
      deliveryId: header(req, 'x-github-delivery') ?? null,
      ping: event === 'ping',
      body,
      pushes: event === 'push' ? [githubStylePush(body, str(body, 'pusher', 'name'))] : [],
      pullRequest: event === 'pull_request' ? githubStylePullRequest(body, { head: true, merge: true }) : null,
      package: GITHUB_PACKAGE_EVENTS.has(event) ? githubPackage(event, body) : null,
    }
  },
}
