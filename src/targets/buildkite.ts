import * as z from 'zod'
import { MappingError } from '../errors.ts'
import { buildReference, jsonObjectBody } from './build-reference.ts'
import { dropNulls } from './drop-nulls.ts'
import { joinUrl } from './join-url.ts'
import { kindOf } from './kind-of.ts'
import { baseUrlOption, pathSegmentsOption, secretOption } from './option-schemas.ts'
import { readInteger, readString } from './read-field.ts'
import { readStringMap } from './read-string-map.ts'
import { rejectUnknownKeys } from './reject-unknown-keys.ts'
import { requireObject } from './require-object.ts'
import type { OutboundRequest, TargetPreset } from './types.ts'

const slugOption = pathSegmentsOption(1, 'must be a slug as in the Buildkite URL, without "/"')

const optionsSchema = z
  .object({
    url: baseUrlOption.default('https://api.buildkite.com'),
    org: slugOption,
    pipeline: slugOption,
    token: secretOption,
  })
  .strict()

export type BuildkiteOptions = z.infer<typeof optionsSchema>

const WHAT = 'buildkite'

const STRING_FIELDS = ['message', 'pull_request_base_branch', 'pull_request_repository'] as const
const BOOLEAN_FIELDS = ['clean_checkout', 'ignore_pipeline_branch_filters'] as const
const FIELDS = ['commit', 'branch', 'author', 'env', 'meta_data', 'pull_request_id', ...STRING_FIELDS, ...BOOLEAN_FIELDS]

/**
 * Default map: build the pushed commit (or the branch head when the push has none) on the
 * pushed branch, or the tag name on a tag push, with its message and author. A pull request
 * builds its source commit on its source branch as a Buildkite pull request build (number, base
 * branch, and the source repository, a fork's for a pull request from a fork).
 */
const DEFAULT_MAP = `pull_request ? {
  "commit": pull_request.source.sha,
  "branch": pull_request.source.branch,
  "message": pull_request.title,
  "author": pull_request.author ? { "name": pull_request.author },
  "pull_request_id": pull_request.number,
  "pull_request_base_branch": pull_request.target.branch,
  "pull_request_repository": pull_request.source.clone_url
} : push ? {
  "commit": push.sha ? push.sha : "HEAD",
  "branch": push.branch ? push.branch : push.tag,
  "message": push.message,
  "author": push.author ? { "name": push.author }
}`

/**
 * Creates a Buildkite build through the REST API
 * (`POST {url}/v2/organizations/{org}/pipelines/{pipeline}/builds`, `Authorization: Bearer`,
 * JSON). `commit` and `branch` are required; Buildkite answers `201` with the build and its
 * `web_url`.
 *
 * @example
 * ```yaml
 * targets:
 *   buildkite-app:
 *     type: buildkite
 *     org: acme
 *     pipeline: app
 *     token: ${BUILDKITE_API_TOKEN}       # scope write_builds
 * # map: { "commit": push.sha, "branch": push.branch, "env": { "DEPLOY": "1" } }
 * ```
 */
export const buildkitePreset: TargetPreset<BuildkiteOptions> = {
  type: 'buildkite',
  optionsSchema,
  secretOptions: ['token'],
  defaultMap: DEFAULT_MAP,
  defaultCooldownMs: 0,
  buildRequest(mapped: unknown, options: BuildkiteOptions): OutboundRequest {
    const value = dropNulls(requireObject(mapped, `${WHAT} mapped value`))
    rejectUnknownKeys(value, FIELDS, `${WHAT} mapped value`)
    const commit = readString(value, 'commit', WHAT)
    const branch = readString(value, 'branch', WHAT)
    if (commit === undefined || branch === undefined) {
      throw new MappingError(`${WHAT} needs commit (a sha, or "HEAD") and branch in the mapped value`)
    }

    const body: Record<string, unknown> = { commit, branch }
    for (const key of STRING_FIELDS) {
      assign(body, key, readString(value, key, WHAT))
    }
    for (const key of BOOLEAN_FIELDS) {
      assign(body, key, readBoolean(value, key))
    }
    assign(body, 'pull_request_id', readInteger(value, 'pull_request_id', WHAT))
    if (value['author'] !== undefined) {
      body['author'] = readAuthor(value['author'])
    }
    // Buildkite keeps env and meta-data as strings
    assign(body, 'env', readStringMap(value['env'], `${WHAT} env`))
    assign(body, 'meta_data', readStringMap(value['meta_data'], `${WHAT} meta_data`))

    const path = `v2/organizations/${encodeURIComponent(options.org)}/pipelines/${encodeURIComponent(options.pipeline)}/builds`
    return {
      method: 'POST',
      url: joinUrl(options.url, path),
      headers: { Authorization: `Bearer ${options.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }
  },
  /** Buildkite answers with the build it created: `web_url`, `id` and `number`. */
  readBuildReference(response) {
    const body = jsonObjectBody(response)
    return body && buildReference({ url: body['web_url'], id: body['id'], number: body['number'] })
  },
}

function assign(body: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) {
    body[key] = value
  }
}

function readBoolean(value: Record<string, unknown>, key: string): boolean | undefined {
  const v = value[key]
  if (v === undefined || typeof v === 'boolean') {
    return v
  }
  throw new MappingError(`${WHAT}: ${key} must be true or false, but the map produced ${kindOf(v)}`)
}

/** Buildkite shows `{ name, email }` as who created the build. */
function readAuthor(raw: unknown): Record<string, string> {
  const what = `${WHAT} author`
  const author = dropNulls(requireObject(raw, what))
  rejectUnknownKeys(author, ['name', 'email'], what)
  const out: Record<string, string> = {}
  assign(out, 'name', readString(author, 'name', what))
  assign(out, 'email', readString(author, 'email', what))
  return out
}
