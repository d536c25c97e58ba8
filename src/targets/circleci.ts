import * as z from 'zod'
import { MappingError } from '../errors.ts'
import { buildReference, jsonObjectBody } from './build-reference.ts'
import { dropNulls } from './drop-nulls.ts'
import { joinUrl } from './join-url.ts'
import { kindOf } from './kind-of.ts'
import { baseUrlOption, pathSegmentsOption, secretOption } from './option-schemas.ts'
import { readString } from './read-field.ts'
import { rejectUnknownKeys } from './reject-unknown-keys.ts'
import { requireObject } from './require-object.ts'
import { PULL_REQUEST_BRANCH } from './pull-request-branch.ts'
import type { OutboundRequest, TargetPreset } from './types.ts'

const optionsSchema = z
  .object({
    url: baseUrlOption.default('https://circleci.com'),
    // vcs/org/repo: gh/acme/app, bb/acme/app, or circleci/<org id>/<project id>
    project: pathSegmentsOption(3, 'must be a project slug such as gh/acme/app'),
    token: secretOption,
  })
  .strict()

export type CircleCiOptions = z.infer<typeof optionsSchema>

const WHAT = 'circleci'

/**
 * Default map: a pull request's branch (for a GitHub fork, `pull/N/head`, which CircleCI
 * documents for building a pull request by number); else the pushed branch, or the tag on a tag
 * push (the null one is dropped).
 */
const DEFAULT_MAP = `pull_request ? { "branch": ${PULL_REQUEST_BRANCH} } : { "branch": push.branch, "tag": push.tag }`

/**
 * Triggers a CircleCI pipeline through API v2 (`POST {url}/api/v2/project/{project}/pipeline`,
 * `Circle-Token`, JSON `{ branch | tag, parameters? }`); CircleCI answers `201` with the
 * pipeline's id and number. Pipeline parameters keep their JSON type (string, number, boolean),
 * as the config declares them.
 *
 * @example
 * ```yaml
 * targets:
 *   circleci-app:
 *     type: circleci
 *     project: gh/acme/app
 *     token: ${CIRCLECI_TOKEN}
 * # map: { "branch": push.branch, "parameters": { "deploy": push.branch = "main" } }
 * ```
 */
export const circleciPreset: TargetPreset<CircleCiOptions> = {
  type: 'circleci',
  optionsSchema,
  secretOptions: ['token'],
  defaultMap: DEFAULT_MAP,
  defaultCooldownMs: 0,
  buildRequest(mapped: unknown, options: CircleCiOptions): OutboundRequest {
    const value = dropNulls(requireObject(mapped, `${WHAT} mapped value`))
    rejectUnknownKeys(value, ['branch', 'tag', 'parameters'], `${WHAT} mapped value`)
    const branch = readString(value, 'branch', WHAT)
    const tag = readString(value, 'tag', WHAT)
    if ((branch === undefined) === (tag === undefined)) {
      throw new MappingError(`${WHAT} needs exactly one of branch or tag in the mapped value`)
    }
    const body: Record<string, unknown> = branch === undefined ? { tag } : { branch }
    if (value['parameters'] !== undefined) {
      body['parameters'] = readParameters(value['parameters'])
    }

    const slug = options.project.split('/').map(encodeURIComponent).join('/')
    return {
      method: 'POST',
      url: joinUrl(options.url, `api/v2/project/${slug}/pipeline`),
      headers: { 'Circle-Token': options.token, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    }
  },
  /** CircleCI answers with the pipeline: `id` and `number` (no link). */
  readBuildReference(response) {
    const body = jsonObjectBody(response)
    return body && buildReference({ id: body['id'], number: body['number'] })
  },
}

/** Pipeline parameters are typed scalars in the config: a nested value could never match one. */
function readParameters(raw: unknown): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {}
  for (const [name, v] of Object.entries(dropNulls(requireObject(raw, `${WHAT} parameters`)))) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new MappingError(`${WHAT} parameters.${name} must be a string, number or boolean, but the map produced ${kindOf(v)}`)
    }
    out[name] = v
  }
  return out
}
