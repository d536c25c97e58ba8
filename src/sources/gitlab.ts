import * as z from 'zod'
import type { PushView } from '../envelope.ts'
import { githubCommit } from './github-push.ts'
import { VerificationError } from '../errors.ts'
import { signingKeyProblem } from '../standard-webhooks.ts'
import { gitlabMergeRequest } from './gitlab-merge-request.ts'
import { header } from './headers.ts'
import { arr, str } from './json-read.ts'
import { verifyOption } from './options.ts'
import { parseBody } from './parse-body.ts'
import { branchOf, isZeroSha, realSha, tagOf } from './refs.ts'
import { secretsFor } from './secrets.ts'
import { verifyStandardWebhook } from './standard-webhooks-signature.ts'
import { tokenEquals } from './token.ts'
import type { SourceType } from './types.ts'

const PUSH_KINDS = new Set(['push', 'tag_push'])

/** Push Hook and Tag Push Hook (also system hooks, which share the shape). */
function gitlabPush(body: unknown): PushView {
  const ref = str(body, 'ref')
  const before = str(body, 'before')
  const after = str(body, 'after')
  const sha = realSha(str(body, 'checkout_sha') ?? after)
  const commits = arr(body, 'commits').flatMap((c) => githubCommit(c) ?? [])
  // commits run oldest to newest; the head is the checkout SHA when GitLab lists it
  const head = commits.find((c) => c.id === sha) ?? commits.at(-1) ?? null
  return {
    repo: str(body, 'project', 'path_with_namespace'),
    repo_url: str(body, 'project', 'web_url'),
    ref,
    branch: branchOf(ref),
    tag: tagOf(ref),
    sha,
    before: realSha(before),
    message: head?.message ?? null,
    author: head?.author ?? null,
    pusher: str(body, 'user_username') ?? str(body, 'user_name'),
    created: isZeroSha(before),
    deleted: isZeroSha(after),
    forced: false,
    commits,
  }
}

const gitlabOptionsSchema = z
  .object({
    verify: verifyOption,
    /**
     * token (default): the secret token comes back in `X-Gitlab-Token`. signing-token: the secret
     * is the webhook's signing token and each request carries its Standard Webhooks signature.
     */
    auth: z.enum(['token', 'signing-token']).optional(),
  })
  .strict()

/**
 * GitLab (gitlab.com, self-managed): the secret comes back verbatim in `X-Gitlab-Token`, or, with
 * `auth: signing-token`, signs each request the Standard Webhooks way (GitLab's signing tokens).
 */
export const gitlabSource: SourceType = {
  type: 'gitlab',
  commits: true,
  optionsSchema: gitlabOptionsSchema,
  // a signing token is a Standard Webhooks key; a plain token is compared as text
  secretProblem: (secret, options) => (options['auth'] === 'signing-token' ? signingKeyProblem(secret) : null),

  verify(req, source, receivedAt = new Date()) {
    if (source.options['auth'] === 'signing-token') {
      verifyStandardWebhook(req, source, receivedAt)
      return
    }
    const secrets = secretsFor(source)
    if (secrets === null) return
    const token = header(req, 'x-gitlab-token')
    if (token === undefined) throw new VerificationError('SIGNATURE_MISSING', 'X-Gitlab-Token header is missing')
    if (!secrets.some((secret) => tokenEquals(token, secret))) {
      throw new VerificationError('SIGNATURE_MISMATCH', 'X-Gitlab-Token does not match any configured secret')
    }
  },

  parse(req) {
    const body = parseBody(req, { required: true })
    const kind = str(body, 'object_kind')
    return {
      event: header(req, 'x-gitlab-event') ?? kind ?? 'unknown',
      // X-Gitlab-Webhook-UUID is fresh on every attempt, so it cannot deduplicate retries
      deliveryId: header(req, 'idempotency-key', 'x-gitlab-event-uuid') ?? null,
      ping: false,
      body,
      pushes: kind !== null && PUSH_KINDS.has(kind) ? [gitlabPush(body)] : [],
      pullRequest: kind === 'merge_request' ? gitlabMergeRequest(body) : null,
      package: null,
    }
  },
}
