import * as z from 'zod'
import { MappingError } from '../errors.ts'
import { buildReference, jsonObjectBody } from './build-reference.ts'
import { dropNulls } from './drop-nulls.ts'
import { joinUrl } from './join-url.ts'
import { baseUrlOption, idOrPathOption, secretOption } from './option-schemas.ts'
import { readString } from './read-field.ts'
import { rejectUnknownKeys } from './reject-unknown-keys.ts'
import { requireObject } from './require-object.ts'
import { stringifyVariable } from './stringify-variable.ts'
import type { OutboundRequest, TargetPreset } from './types.ts'

const optionsSchema = z
  .object({
    url: baseUrlOption,
    project: idOrPathOption,
    token: secretOption,
    api: z.enum(['v4', 'v3']).default('v4'),
  })
  .strict()

export type GitLabOptions = z.infer<typeof optionsSchema>

const WHAT = 'gitlab'

/** GitLab's rule for CI variable keys (Ci::HasVariable): checked here so the error names the key. */
const VARIABLE_KEY = /^[A-Za-z0-9_]{1,255}$/

/**
 * Default map: a merge/pull request's source branch, else the pushed branch, or the tag name on a
 * tag push. No variables by default:
 * projects may forbid pipeline variables (GitLab 17.7+ makes that the default for new projects)
 * and the trigger then answers 400, so variables are opt-in through an explicit map.
 */
const DEFAULT_MAP = `{ "ref": pull_request ? pull_request.source.branch : push.branch ? push.branch : push.tag }`

/**
 * Runs a GitLab pipeline through a trigger token: v4
 * `POST {url}/api/v4/projects/{project}/trigger/pipeline`, v3 `.../trigger/builds`; form body
 * `token`, `ref`, `variables[KEY]=value`.
 *
 * @example
 * ```yaml
 * targets:
 *   docs-pipeline:
 *     type: gitlab
 *     url: https://gitlab.example.com
 *     project: group/docs        # or the numeric id
 *     token: ${GITLAB_TRIGGER_TOKEN}
 * # map: { "ref": "main", "variables": { "UPLOAD_TO_S3": true } }
 * ```
 */
export const gitlabPreset: TargetPreset<GitLabOptions> = {
  type: 'gitlab',
  optionsSchema,
  secretOptions: ['token'],
  defaultMap: DEFAULT_MAP,
  defaultCooldownMs: 0,
  buildRequest(mapped: unknown, options: GitLabOptions): OutboundRequest {
    const value = dropNulls(requireObject(mapped, `${WHAT} mapped value`))
    rejectUnknownKeys(value, ['ref', 'variables'], `${WHAT} mapped value`)
    const ref = readString(value, 'ref', WHAT)
    if (ref === undefined) {
      throw new MappingError(`${WHAT} needs ref (a branch or tag name) in the mapped value`)
    }

    const form = new URLSearchParams()
    form.append('token', options.token)
    form.append('ref', ref)
    if (value['variables'] !== undefined) {
      const variables = requireObject(value['variables'], `${WHAT} variables`)
      for (const [key, v] of Object.entries(variables)) {
        if (v === null || v === undefined) {
          continue
        }
        if (!VARIABLE_KEY.test(key)) {
          throw new MappingError(`${WHAT} variable name "${key}" may only contain letters, digits and _`)
        }
        form.append(`variables[${key}]`, stringifyVariable(v))
      }
    }

    // a path such as group/sub/project is one URL segment: its slashes become %2F
    const project = encodeURIComponent(options.project)
    const path =
      options.api === 'v3'
        ? `api/v3/projects/${project}/trigger/builds`
        : `api/v4/projects/${project}/trigger/pipeline`
    return {
      method: 'POST',
      url: joinUrl(options.url, path),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    }
  },
  /** v4 answers with the pipeline it created (`id`, `web_url`); v3 with the trigger request (`id` only). */
  readBuildReference(response) {
    const body = jsonObjectBody(response)
    return body && buildReference({ url: body['web_url'], id: body['id'] })
  },
}
