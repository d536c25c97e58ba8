import * as z from 'zod'
import { readCommitStatus, REPORTER_TRAITS, repositorySegments, statusBody } from './commit-status.ts'
import { joinUrl } from './join-url.ts'
import { baseUrlOption, secretOption } from './option-schemas.ts'
import type { OutboundRequest, TargetPreset } from './types.ts'

const optionsSchema = z
  .object({
    // GitHub Enterprise Server: https://HOST/api/v3
    url: baseUrlOption.default('https://api.github.com'),
    token: secretOption,
    context: z.string().min(1, 'must not be empty').optional(),
  })
  .strict()

export type GitHubStatusOptions = z.infer<typeof optionsSchema>

const WHAT = 'github-status'

/** GitHub refuses a longer description. */
const DESCRIPTION_MAX = 140

/**
 * Posts commit statuses to GitHub (a reporter: named in a route's `report_to`, never in `to`):
 * `POST {url}/repos/{owner}/{repo}/statuses/{sha}` `{ state, target_url, description, context }`,
 * state `pending`, `success`, `failure` or `error`. GitHub answers `201 Created`.
 *
 * @example
 * ```yaml
 * targets:
 *   gh-status:
 *     type: github-status
 *     token: ${GITHUB_STATUS_TOKEN}    # fine-grained token with "Commit statuses: write"
 * ```
 */
export const githubStatusPreset: TargetPreset<GitHubStatusOptions> = {
  type: 'github-status',
  optionsSchema,
  secretOptions: ['token'],
  ...REPORTER_TRAITS,
  buildRequest(mapped: unknown, options: GitHubStatusOptions): OutboundRequest {
    const status = readCommitStatus(mapped, WHAT)
    const [owner, repo] = repositorySegments(status.repository, 2, 'owner/name', WHAT)
    return {
      method: 'POST',
      url: joinUrl(options.url, `repos/${owner}/${repo}/statuses/${status.sha}`),
      headers: {
        Accept: 'application/vnd.github+json',
        Authorization: `Bearer ${options.token}`,
        'X-GitHub-Api-Version': '2022-11-28',
        'Content-Type': 'application/json',
      },
      body: statusBody(status, DESCRIPTION_MAX),
    }
  },
}
