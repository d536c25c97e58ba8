import * as z from 'zod'
import { readCommitStatus, REPORTER_TRAITS, repositorySegments, statusBody } from './commit-status.ts'
import { joinUrl } from './join-url.ts'
import { baseUrlOption, secretOption } from './option-schemas.ts'
import type { OutboundRequest, TargetPreset } from './types.ts'

const optionsSchema = z
  .object({
    // no public default: every Gitea (or Forgejo) is self-hosted
    url: baseUrlOption,
    token: secretOption,
    context: z.string().min(1, 'must not be empty').optional(),
  })
  .strict()

export type GiteaStatusOptions = z.infer<typeof optionsSchema>

const WHAT = 'gitea-status'

/** Gitea stores the description in a 255-character column. */
const DESCRIPTION_MAX = 255

/**
 * Posts commit statuses to Gitea (a reporter: named in a route's `report_to`):
 * `POST {url}/api/v1/repos/{owner}/{repo}/statuses/{sha}` `{ state, target_url, description, context }`,
 * state `pending`, `success`, `failure` or `error` (Gitea's `warning` is not used), with
 * `Authorization: token <token>`. Gitea answers `201 Created`.
 *
 * @example
 * ```yaml
 * targets:
 *   gitea-status:
 *     type: gitea-status
 *     url: https://gitea.example.com
 *     token: ${GITEA_STATUS_TOKEN}     # an access token with repository write
 * ```
 */
export const giteaStatusPreset: TargetPreset<GiteaStatusOptions> = {
  type: 'gitea-status',
  optionsSchema,
  secretOptions: ['token'],
  ...REPORTER_TRAITS,
  buildRequest(mapped: unknown, options: GiteaStatusOptions): OutboundRequest {
    const status = readCommitStatus(mapped, WHAT)
    const [owner, repo] = repositorySegments(status.repository, 2, 'owner/name', WHAT)
    return {
      method: 'POST',
      url: joinUrl(options.url, `api/v1/repos/${owner}/${repo}/statuses/${status.sha}`),
      headers: { Accept: 'application/json', Authorization: `token ${options.token}`, 'Content-Type': 'application/json' },
      body: statusBody(status, DESCRIPTION_MAX),
    }
  },
}
