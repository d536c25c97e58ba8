import * as z from 'zod'
import { basicCredential } from './basic-credential.ts'
import { boundedKey, clip, readCommitStatus, REPORTER_TRAITS, repositorySegments, type CommitState } from './commit-status.ts'
import { joinUrl } from './join-url.ts'
import { baseUrlOption, secretOption } from './option-schemas.ts'
import type { OutboundRequest, TargetPreset } from './types.ts'

const optionsSchema = z
  .object({
    url: baseUrlOption.default('https://api.bitbucket.org'),
    // an app password with its user name (Basic), or an access token (Bearer)
    username: z.string().min(1, 'must not be empty').regex(/^[^:]*$/, 'must not contain ":"').optional(),
    app_password: secretOption.optional(),
    token: secretOption.optional(),
    context: z.string().min(1, 'must not be empty').optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    const basic = o.username !== undefined || o.app_password !== undefined
    if (basic && o.token !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'give either username + app_password or token, not both' })
    } else if (basic && (o.username === undefined || o.app_password === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'username and app_password go together (Basic authentication)' })
    } else if (!basic && o.token === undefined) {
      ctx.addIssue({ code: 'custom', message: 'needs credentials: username + app_password (an app password), or token (an access token)' })
    }
  })

export type BitbucketStatusOptions = z.infer<typeof optionsSchema>

const WHAT = 'bitbucket-status'

const STATES: Record<CommitState, string> = { pending: 'INPROGRESS', success: 'SUCCESSFUL', failure: 'FAILED', error: 'FAILED' }

/** Bitbucket Cloud refuses a longer key. */
const KEY_MAX = 40
const DESCRIPTION_MAX = 255

/**
 * Posts build statuses to Bitbucket Cloud (a reporter: named in a route's `report_to`):
 * `POST {url}/2.0/repositories/{workspace}/{repo}/commit/{sha}/statuses/build`
 * `{ key, state, url, name, description }`, state `INPROGRESS`, `SUCCESSFUL` or `FAILED`. The key
 * is the context (at most 40 characters: a longer one is shortened with a hash), the name the full
 * context. Bitbucket requires `url`: without a build or dashboard link it is the commit's page.
 *
 * @example
 * ```yaml
 * targets:
 *   bb-status:
 *     type: bitbucket-status
 *     username: ${BITBUCKET_USER}               # or token: ${BITBUCKET_ACCESS_TOKEN}
 *     app_password: ${BITBUCKET_APP_PASSWORD}   # an app password allowed to post build statuses to the repository
 * ```
 */
export const bitbucketStatusPreset: TargetPreset<BitbucketStatusOptions> = {
  type: 'bitbucket-status',
  optionsSchema,
  secretOptions: ['app_password', 'token'],
  derivedSecrets: (options) => (options.username !== undefined && options.app_password !== undefined ? [basicCredential(options.username, options.app_password)] : []),
  ...REPORTER_TRAITS,
  buildRequest(mapped: unknown, options: BitbucketStatusOptions): OutboundRequest {
    const status = readCommitStatus(mapped, WHAT)
    const [workspace, repo] = repositorySegments(status.repository, 2, 'workspace/repo', WHAT)
    const authorization =
      options.token !== undefined ? `Bearer ${options.token}` : `Basic ${basicCredential(options.username ?? '', options.app_password ?? '')}`
    return {
      method: 'POST',
      url: joinUrl(options.url, `2.0/repositories/${workspace}/${repo}/commit/${status.sha}/statuses/build`),
      headers: { Accept: 'application/json', Authorization: authorization, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        key: boundedKey(status.context, KEY_MAX),
        state: STATES[status.state],
        url: status.target_url ?? `https://bitbucket.org/${workspace}/${repo}/commits/${status.sha}`,
        name: status.context,
        description: clip(status.description, DESCRIPTION_MAX),
      }),
    }
  },
}
