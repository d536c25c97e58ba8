import * as z from 'zod'
import { GITHUB_PACKAGE_EVENTS, githubPackage } from './github-package.ts'
import { githubStylePullRequest } from './github-pull-request.ts'
import { githubStylePush } from './github-push.ts'
import { header } from './headers.ts'
import { verifyHmac } from './hmac.ts'
import { str } from './json-read.ts'
import { verifyOption } from './options.ts'
import { parseBody } from './parse-body.ts'
import type { SourceType } from './types.ts'

/**
 * Where `hookyard redeliver` asks GitHub for the hook's recent deliveries: the hook's API path
 * (`repos/OWNER/REPO/hooks/ID` or `orgs/ORG/hooks/ID`), a token that may read and redeliver them
 * (repository or organization webhooks: admin), and the API root (GHES: https://HOST/api/v3).
 */
const redeliverOptions = z
  .object({
    hook: z.string().regex(/^(repos\/[^/\s]+\/[^/\s]+|orgs\/[^/\s]+)\/hooks\/\d+$/, 'must be repos/OWNER/REPO/hooks/ID or orgs/ORG/hooks/ID'),
    token: z.string().min(1, 'must not be empty (a variable that expanded to nothing?)'),
    url: z
      .string()
      .regex(/^https?:\/\/[^\s?#]+$/, 'must be the API root, an http(s) URL without ?query or #fragment')
      .default('https://api.github.com'),
  })
  .strict()

export const githubOptionsSchema = z.object({ verify: verifyOption, redeliver: redeliverOptions.optional() }).strict()

export type GitHubRedeliverOptions = z.infer<typeof redeliverOptions>

/**
 * GitHub (github.com, GHE Cloud, GHES). `X-Hub-Signature-256` covers the raw request body,
 * which for form-encoded hooks is the `payload=…` form body, not the decoded JSON.
 */
export const githubSource: SourceType = {
  type: 'github',
  commits: true,
  optionsSchema: githubOptionsSchema,
  secretOptions: ['redeliver.token'],

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
