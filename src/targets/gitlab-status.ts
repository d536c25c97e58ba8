import * as z from 'zod'
import { MappingError } from '../errors.ts'
import { clip, readCommitStatus, REPORTER_TRAITS, type CommitState } from './commit-status.ts'
import { joinUrl } from './join-url.ts'
import { baseUrlOption, secretOption } from './option-schemas.ts'
import type { OutboundRequest, TargetPreset } from './types.ts'

const optionsSchema = z
  .object({
    url: baseUrlOption.default('https://gitlab.com'),
    token: secretOption,
    context: z.string().min(1, 'must not be empty').optional(),
  })
  .strict()

export type GitLabStatusOptions = z.infer<typeof optionsSchema>

const WHAT = 'gitlab-status'

/** GitLab's commit status states: `error` has no equivalent, and a failed trigger is a failed status. */
const STATES: Record<CommitState, string> = { pending: 'pending', success: 'success', failure: 'failed', error: 'failed' }

/** GitLab stores the description in a 255-character column. */
const DESCRIPTION_MAX = 255

/**
 * Posts commit statuses to GitLab (a reporter: named in a route's `report_to`):
 * `POST {url}/api/v4/projects/{id}/statuses/{sha}` `{ state, name, target_url, description }`
 * with `PRIVATE-TOKEN`; the project is its numeric id or its URL-encoded path (`group%2Fproject`).
 * States: `pending`, `success`, `failed`. GitLab answers `201 Created`.
 *
 * @example
 * ```yaml
 * targets:
 *   gitlab-status:
 *     type: gitlab-status
 *     url: https://gitlab.example.com   # default https://gitlab.com
 *     token: ${GITLAB_STATUS_TOKEN}     # a project or personal access token with the api scope
 * ```
 */
export const gitlabStatusPreset: TargetPreset<GitLabStatusOptions> = {
  type: 'gitlab-status',
  optionsSchema,
  secretOptions: ['token'],
  ...REPORTER_TRAITS,
  buildRequest(mapped: unknown, options: GitLabStatusOptions): OutboundRequest {
    const status = readCommitStatus(mapped, WHAT)
    const names = status.repository.split('/')
    if (names.some((n) => n.trim() === '' || n === '.' || n === '..')) {
      throw new MappingError(`${WHAT}: repository must be a project path such as group/project or its numeric id, got ${JSON.stringify(status.repository.slice(0, 200))}`)
    }
    // the path is one URL segment: its slashes become %2F
    const project = encodeURIComponent(status.repository)
    return {
      method: 'POST',
      url: joinUrl(options.url, `api/v4/projects/${project}/statuses/${status.sha}`),
      headers: { Accept: 'application/json', 'PRIVATE-TOKEN': options.token, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        state: STATES[status.state],
        name: status.context,
        ...(status.target_url === null ? {} : { target_url: status.target_url }),
        description: clip(status.description, DESCRIPTION_MAX),
      }),
    }
  },
}
