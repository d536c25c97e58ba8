import * as z from 'zod'
import { MappingError } from '../errors.ts'
import { asObject, buildReference, jsonObjectBody } from './build-reference.ts'
import { dropNulls } from './drop-nulls.ts'
import { joinUrl } from './join-url.ts'
import { baseUrlOption, idOrPathOption, secretOption } from './option-schemas.ts'
import { readString } from './read-field.ts'
import { rejectUnknownKeys } from './reject-unknown-keys.ts'
import { requireObject } from './require-object.ts'
import type { OutboundRequest, TargetPreset } from './types.ts'

const optionsSchema = z
  .object({
    // api.travis-ci.org (the seed's host) is retired; Enterprise uses https://HOST/api
    url: baseUrlOption.default('https://api.travis-ci.com'),
    repo: idOrPathOption,
    token: secretOption,
  })
  .strict()

export type TravisOptions = z.infer<typeof optionsSchema>

const WHAT = 'travis'

const MERGE_MODES = ['deep_merge_append', 'deep_merge_prepend', 'deep_merge', 'merge', 'replace']

/**
 * Default map: build a pull request's source branch at its head commit, titled like the pull
 * request; else the pushed branch at the pushed commit, with its message. A tag push has no
 * branch and fails with a clear error; filter tags out with `when` or map them explicitly.
 */
const DEFAULT_MAP = `pull_request
  ? { "branch": pull_request.source.branch, "sha": pull_request.source.sha, "message": pull_request.title }
  : { "branch": push.branch, "sha": push.sha, "message": push.message }`

/**
 * Creates a Travis CI build request through API v3
 * (`POST {url}/repo/{repo}/requests`, `Travis-API-Version: 3`).
 *
 * @example
 * ```yaml
 * targets:
 *   travis-core:
 *     type: travis
 *     repo: travis-ci/travis-core     # sent as travis-ci%2Ftravis-core
 *     token: ${TRAVIS_TOKEN}
 * # map: { "branch": "master", "config": { "script": "echo FOO" } }
 * ```
 */
export const travisPreset: TargetPreset<TravisOptions> = {
  type: 'travis',
  optionsSchema,
  secretOptions: ['token'],
  defaultMap: DEFAULT_MAP,
  defaultCooldownMs: 0,
  buildRequest(mapped: unknown, options: TravisOptions): OutboundRequest {
    const value = dropNulls(requireObject(mapped, `${WHAT} mapped value`))
    rejectUnknownKeys(value, ['branch', 'message', 'config', 'merge_mode', 'sha'], `${WHAT} mapped value`)

    const branch = readString(value, 'branch', WHAT)
    if (branch === undefined) {
      throw new MappingError(`${WHAT} needs branch in the mapped value`)
    }
    const request: Record<string, unknown> = { branch }
    const sha = readString(value, 'sha', WHAT)
    if (sha !== undefined) {
      request['sha'] = sha
    }
    const message = readString(value, 'message', WHAT)
    if (message !== undefined) {
      request['message'] = message
    }
    const mergeMode = readString(value, 'merge_mode', WHAT)
    if (mergeMode !== undefined) {
      if (!MERGE_MODES.includes(mergeMode)) {
        throw new MappingError(`${WHAT} merge_mode must be one of ${MERGE_MODES.join(', ')}, got "${mergeMode}"`)
      }
      request['merge_mode'] = mergeMode
    }
    if (value['config'] !== undefined) {
      request['config'] = requireObject(value['config'], `${WHAT} config`)
    }

    return {
      method: 'POST',
      // a slug's slash must reach Travis as %2F: the repo is one path segment
      url: joinUrl(options.url, `repo/${encodeURIComponent(options.repo)}/requests`),
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'Travis-API-Version': '3',
        Authorization: `token ${options.token}`,
      },
      body: JSON.stringify({ request }),
    }
  },
  /** Travis answers `202 { request: { id, ... } }`: the build request, which becomes builds later (no link). */
  readBuildReference(response) {
    const request = asObject(jsonObjectBody(response)?.['request'])
    return request && buildReference({ id: request['id'] })
  },
}
