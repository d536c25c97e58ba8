import * as z from 'zod'
import { MappingError } from '../errors.ts'
import { asObject, buildReference, jsonObjectBody } from './build-reference.ts'
import { dropNulls } from './drop-nulls.ts'
import { joinUrl } from './join-url.ts'
import { kindOf } from './kind-of.ts'
import { baseUrlOption, secretOption } from './option-schemas.ts'
import { readInteger, readString } from './read-field.ts'
import { requireObject } from './require-object.ts'
import { stringifyVariable } from './stringify-variable.ts'
import type { OutboundRequest, TargetPreset } from './types.ts'

const optionsSchema = z
  .object({
    url: baseUrlOption.default('https://app.bitrise.io'),
    app_slug: z.string().min(1, 'must not be empty'),
    token: secretOption,
  })
  .strict()

export type BitriseOptions = z.infer<typeof optionsSchema>

const WHAT = 'bitrise'

/** String build_params documented by Bitrise; others pass through unchecked. */
const STRING_PARAMS = [
  'branch',
  'tag',
  'commit_hash',
  'commit_message',
  'workflow_id',
  'branch_dest',
  'pull_request_repository_url',
  'pull_request_merge_branch',
  'pull_request_head_branch',
] as const

/**
 * Default map. A pull request event becomes Bitrise's pull request build: the source branch
 * into `branch_dest`, from the source (fork) clone URL, with the host's head/merge refs where it
 * has them. Otherwise: build the pushed ref at the pushed commit; on a tag push `branch` is null
 * and is dropped, so Bitrise sees only `tag`; Git Clone checks out `commit_hash` first anyway.
 */
const DEFAULT_MAP = `pull_request ? {
  "branch": pull_request.source.branch,
  "branch_dest": pull_request.target.branch,
  "pull_request_id": pull_request.number,
  "pull_request_repository_url": pull_request.source.clone_url,
  "commit_hash": pull_request.source.sha,
  "commit_message": pull_request.title,
  "pull_request_merge_branch": pull_request.merge_ref,
  "pull_request_head_branch": pull_request.head_ref
} : { "branch": push.branch, "tag": push.tag, "commit_hash": push.sha, "commit_message": push.message }`

/**
 * Starts a Bitrise build through the Build Trigger API
 * (`POST {url}/app/{app_slug}/build/start.json`). The map produces
 * `build_params`; `environments` may be Bitrise's array or a `{ NAME: value }` object.
 *
 * @example
 * ```yaml
 * targets:
 *   bitrise-ios:
 *     type: bitrise
 *     app_slug: 1a2b3c4d
 *     token: ${BITRISE_TRIGGER_TOKEN}
 * # map: { "branch": push.branch, "workflow_id": "deploy" }
 * ```
 */
export const bitrisePreset: TargetPreset<BitriseOptions> = {
  type: 'bitrise',
  optionsSchema,
  secretOptions: ['token'],
  defaultMap: DEFAULT_MAP,
  defaultCooldownMs: 0,
  buildRequest(mapped: unknown, options: BitriseOptions): OutboundRequest {
    const params = dropNulls(requireObject(mapped, `${WHAT} build_params`))
    for (const key of STRING_PARAMS) {
      readString(params, key, `${WHAT} build_params`)
    }
    if (params['branch'] === undefined && params['tag'] === undefined && params['workflow_id'] === undefined) {
      throw new MappingError(`${WHAT} needs at least one of branch, tag or workflow_id in the mapped build_params`)
    }
    const pullRequestId = readInteger(params, 'pull_request_id', `${WHAT} build_params`)
    if (pullRequestId !== undefined) {
      params['pull_request_id'] = pullRequestId
    }
    if (params['environments'] !== undefined) {
      params['environments'] = toEnvironments(params['environments'])
    }

    const body = {
      hook_info: { type: 'bitrise', build_trigger_token: options.token },
      build_params: params,
      triggered_by: 'hookyard',
    }
    return {
      method: 'POST',
      url: joinUrl(options.url, `app/${encodeURIComponent(options.app_slug)}/build/start.json`),
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }
  },
  /**
   * Bitrise answers `{ results: [{ build_url, build_slug, build_number, ... }] }`; the top-level
   * build_* fields are the deprecated (and v0.1) form of the same.
   */
  readBuildReference(response) {
    const body = jsonObjectBody(response)
    const results = body?.['results']
    const build = (Array.isArray(results) ? asObject(results[0]) : undefined) ?? body
    return build && buildReference({ url: build['build_url'], id: build['build_slug'], number: build['build_number'] })
  },
}

interface BitriseEnvironment {
  mapped_to: string
  value: string
  is_expand?: boolean
}

/** Accepts Bitrise's `[{ mapped_to, value, is_expand? }]` or the shorter `{ NAME: value }`. */
function toEnvironments(raw: unknown): BitriseEnvironment[] {
  if (Array.isArray(raw)) {
    return raw.map((item, i) => toEnvironment(item, `${WHAT} build_params.environments[${i}]`))
  }
  if (raw !== null && typeof raw === 'object') {
    const out: BitriseEnvironment[] = []
    for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
      if (value !== null && value !== undefined) {
        out.push(toEnvironment({ mapped_to: name, value }, `${WHAT} build_params.environments.${name}`))
      }
    }
    return out
  }
  throw new MappingError(
    `${WHAT} build_params.environments must be an array of { mapped_to, value } or an object, ` +
      `but the map produced ${kindOf(raw)}`
  )
}

function toEnvironment(raw: unknown, what: string): BitriseEnvironment {
  const item = requireObject(raw, what)
  for (const key of Object.keys(item)) {
    if (key !== 'mapped_to' && key !== 'value' && key !== 'is_expand') {
      throw new MappingError(`${what} has an unknown field "${key}" (accepted: mapped_to, value, is_expand)`)
    }
  }
  const name = item['mapped_to']
  // Bitrise wants the bare variable name: "API_TEST_ENV", not "$API_TEST_ENV"
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new MappingError(`${what}: mapped_to must be an environment variable name such as API_TEST_ENV`)
  }
  if (item['value'] === undefined || item['value'] === null) {
    throw new MappingError(`${what}: value is missing for ${name}`)
  }
  const env: BitriseEnvironment = { mapped_to: name, value: stringifyVariable(item['value']) }
  const isExpand = item['is_expand']
  if (isExpand !== undefined && isExpand !== null) {
    if (typeof isExpand !== 'boolean') {
      throw new MappingError(`${what}: is_expand must be true or false, but the map produced ${kindOf(isExpand)}`)
    }
    env.is_expand = isExpand
  }
  return env
}
