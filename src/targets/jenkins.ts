import * as z from 'zod'
import { basicCredential } from './basic-credential.ts'
import { buildReference } from './build-reference.ts'
import { dropNulls } from './drop-nulls.ts'
import { joinUrl } from './join-url.ts'
import { baseUrlOption, pathSegmentsOption, secretOption } from './option-schemas.ts'
import { readString } from './read-field.ts'
import { readStringMap } from './read-string-map.ts'
import { rejectUnknownKeys } from './reject-unknown-keys.ts'
import { requireObject } from './require-object.ts'
import type { OutboundRequest, TargetPreset } from './types.ts'

/** `team/app`: a job inside folders, one name per level, none empty. */
const jobOption = pathSegmentsOption(
  null,
  'must be a job name, or folder names and the job name separated by single "/" (e.g. team/app)'
)

const optionsSchema = z
  .object({
    url: baseUrlOption,
    job: jobOption,
    // Basic auth sends user:token, so a ":" in the user name would cut it short
    user: z.string().regex(/^[^:]+$/, 'must be the Jenkins user name (not empty, no ":")'),
    api_token: secretOption,
    build_token: secretOption.optional(),
  })
  .strict()

export type JenkinsOptions = z.infer<typeof optionsSchema>

const WHAT = 'jenkins'

/**
 * Names Jenkins reads from the same form as the build's own parameters: a parameter called
 * `token` would be taken as the trigger token, `cause` as the build cause, `delay` as the quiet
 * period.
 */
const RESERVED_PARAMETERS = new Set(['token', 'cause', 'delay'])

/**
 * Default map: the pushed branch, commit and repository as build parameters (the job declares
 * BRANCH, COMMIT and REPO as string parameters). A tag push has no branch: BRANCH is left out
 * and the job's default applies. A pull request sends its source branch, commit and repository
 * (a fork's, where the code is), plus PR_NUMBER and TARGET_BRANCH; Jenkins drops parameters
 * the job does not declare.
 */
const DEFAULT_MAP = `pull_request ? { "parameters": {
    "BRANCH": pull_request.source.branch, "COMMIT": pull_request.source.sha, "REPO": pull_request.source.repo,
    "PR_NUMBER": $string(pull_request.number), "TARGET_BRANCH": pull_request.target.branch
  } }
  : push ? { "parameters": { "BRANCH": push.branch, "COMMIT": push.sha, "REPO": push.repo } }`

/**
 * Queues a Jenkins build through the remote access API: `POST {url}/job/a/job/b/buildWithParameters`
 * with the parameters form-encoded, or `POST …/build` when there are none. An API token in Basic
 * auth needs no CSRF crumb. `build_token` is the job's "Trigger builds remotely" token, sent as
 * `token`; `cause` is the text Jenkins records as the build cause (with `build_token` only).
 * Jenkins answers `201` with the queue item in `Location`.
 *
 * @example
 * ```yaml
 * targets:
 *   jenkins-app:
 *     type: jenkins
 *     url: https://jenkins.example.com
 *     job: team/app                    # the job "app" in the folder "team"
 *     user: ci-bot
 *     api_token: ${JENKINS_API_TOKEN}
 * # map: { "parameters": { "BRANCH": push.branch, "DEPLOY": true }, "cause": "push by " & push.pusher }
 * ```
 */
export const jenkinsPreset: TargetPreset<JenkinsOptions> = {
  type: 'jenkins',
  optionsSchema,
  secretOptions: ['api_token', 'build_token'],
  defaultMap: DEFAULT_MAP,
  derivedSecrets: (options) => [basicCredential(options.user, options.api_token)],
  defaultCooldownMs: 0,
  buildRequest(mapped: unknown, options: JenkinsOptions): OutboundRequest {
    const value = dropNulls(requireObject(mapped, `${WHAT} mapped value`))
    rejectUnknownKeys(value, ['parameters', 'cause'], `${WHAT} mapped value`)
    const parameters = readStringMap(value['parameters'], `${WHAT} parameters`, parameterProblem) ?? {}
    const cause = readString(value, 'cause', WHAT)

    const form = new URLSearchParams()
    if (options.build_token !== undefined) {
      form.append('token', options.build_token)
    }
    if (cause !== undefined) {
      form.append('cause', cause)
    }
    for (const [name, v] of Object.entries(parameters)) {
      form.append(name, v)
    }
    const folders = options.job
      .split('/')
      .map((name) => `job/${encodeURIComponent(name)}`)
      .join('/')
    const action = Object.keys(parameters).length > 0 ? 'buildWithParameters' : 'build'
    return {
      method: 'POST',
      url: joinUrl(options.url, `${folders}/${action}`),
      headers: {
        Authorization: `Basic ${basicCredential(options.user, options.api_token)}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: form.toString(),
    }
  },
  /**
   * Jenkins answers `201` with the queue item in `Location` (`{url}/queue/item/42/`): the build
   * gets its number only when it leaves the queue, so the queue item is the reference.
   */
  readBuildReference(response) {
    const location = response.headers['location']
    const item = location === undefined ? undefined : /\/queue\/item\/(\d+)\/?$/.exec(location)?.[1]
    return buildReference({ url: location, id: item })
  },
}

function parameterProblem(name: string): string | null {
  if (name === '') {
    return 'parameter names must not be empty'
  }
  if (RESERVED_PARAMETERS.has(name)) {
    return `Jenkins reads "${name}" as a request option, not as a build parameter`
  }
  return null
}
