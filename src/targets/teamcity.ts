import * as z from 'zod'
import { buildReference, jsonObjectBody } from './build-reference.ts'
import { dropNulls } from './drop-nulls.ts'
import { joinUrl } from './join-url.ts'
import { baseUrlOption, secretOption } from './option-schemas.ts'
import { readString } from './read-field.ts'
import { readStringMap } from './read-string-map.ts'
import { rejectUnknownKeys } from './reject-unknown-keys.ts'
import { requireObject } from './require-object.ts'
import { PULL_REQUEST_BRANCH } from './pull-request-branch.ts'
import type { OutboundRequest, TargetPreset } from './types.ts'

const optionsSchema = z
  .object({
    url: baseUrlOption,
    token: secretOption,
    // the build configuration id (Settings -> General: "Build configuration ID")
    build_type: z.string().min(1, 'must not be empty'),
  })
  .strict()

export type TeamCityOptions = z.infer<typeof optionsSchema>

const WHAT = 'teamcity'

/**
 * Default map: the pushed branch (the tag on a tag push, for configurations that use tags as
 * branches), with the commit message as the build's comment; for a pull request, its branch
 * (from a fork, the host's head ref such as `pull/N/head`, which the VCS root's branch
 * specification must include) with its title as the comment.
 */
const DEFAULT_MAP = `pull_request ? { "branch": ${PULL_REQUEST_BRANCH}, "comment": pull_request.title }
  : push ? { "branch": push.branch ? push.branch : push.tag, "comment": push.message }`

/**
 * Queues a TeamCity build through the REST API (`POST {url}/app/rest/buildQueue`, an access
 * token as `Authorization: Bearer`, JSON). The map's `buildType` overrides `build_type`,
 * `branch` becomes `branchName` (the logical branch name as TeamCity shows it), `comment` the
 * build's comment and `properties` its parameters (`env.NAME`, `system.NAME` or configuration
 * parameters). TeamCity answers `200` with the queued build and its `webUrl`.
 *
 * @example
 * ```yaml
 * targets:
 *   teamcity-app:
 *     type: teamcity
 *     url: https://teamcity.example.com
 *     token: ${TEAMCITY_TOKEN}
 *     build_type: App_Build
 * # map: { "branch": push.branch, "properties": { "env.GIT_SHA": push.sha } }
 * ```
 */
export const teamcityPreset: TargetPreset<TeamCityOptions> = {
  type: 'teamcity',
  optionsSchema,
  secretOptions: ['token'],
  defaultMap: DEFAULT_MAP,
  defaultCooldownMs: 0,
  buildRequest(mapped: unknown, options: TeamCityOptions): OutboundRequest {
    const value = dropNulls(requireObject(mapped, `${WHAT} mapped value`))
    rejectUnknownKeys(value, ['buildType', 'branch', 'comment', 'properties'], `${WHAT} mapped value`)

    const body: Record<string, unknown> = { buildType: { id: readString(value, 'buildType', WHAT) ?? options.build_type } }
    const branch = readString(value, 'branch', WHAT)
    if (branch !== undefined) {
      body['branchName'] = branch
    }
    const comment = readString(value, 'comment', WHAT)
    if (comment !== undefined) {
      body['comment'] = { text: comment }
    }
    const properties = readStringMap(value['properties'], `${WHAT} properties`)
    if (properties !== undefined) {
      body['properties'] = { property: Object.entries(properties).map(([name, v]) => ({ name, value: v })) }
    }

    return {
      method: 'POST',
      url: joinUrl(options.url, 'app/rest/buildQueue'),
      headers: { Authorization: `Bearer ${options.token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    }
  },
  /** TeamCity answers with the queued build: `id` and `webUrl` (a `number` only once it has started). */
  readBuildReference(response) {
    const body = jsonObjectBody(response)
    return body && buildReference({ url: body['webUrl'], id: body['id'], number: body['number'] })
  },
}
