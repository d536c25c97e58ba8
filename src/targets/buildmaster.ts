import * as z from 'zod'
import { MappingError } from '../errors.ts'
import { buildReference, jsonObjectBody } from './build-reference.ts'
import { dropNulls } from './drop-nulls.ts'
import { joinUrl } from './join-url.ts'
import { baseUrlOption, secretOption } from './option-schemas.ts'
import { readInteger, readString, readStringOrNumber } from './read-field.ts'
import { rejectUnknownKeys } from './reject-unknown-keys.ts'
import { requireObject } from './require-object.ts'
import { stringifyVariable } from './stringify-variable.ts'
import type { OutboundRequest, TargetPreset } from './types.ts'

const optionsSchema = z
  .object({
    url: baseUrlOption,
    api_key: secretOption,
  })
  .strict()

export type BuildMasterOptions = z.infer<typeof optionsSchema>

const FIELDS = [
  'applicationName',
  'applicationId',
  'releaseNumber',
  'releaseId',
  'buildNumber',
  'pipelineName',
  'reason',
  'variables',
] as const

const WHAT = 'buildmaster'

/**
 * Default map: the ProGet "package added" recipe from BuildMaster's HOWTO, for every package
 * feed (ProGet, npm, Nexus, Docker Hub, Harbor, GitHub Packages). The package name is the
 * BuildMaster application, its version the release; `reason` reads like
 * "MyCorp.CoolUtils 3.2.0 added in ProGet feed internal-utils" or
 * "@acme/widgets 2.4.1 package:publish from npm" (null parts are left out).
 * Evaluates to nothing for events without a package view, which fails with a clear error.
 */
const DEFAULT_MAP = `package ? (
  $sender := $lookup({
    "proget": "ProGet", "npm": "npm", "nexus": "Nexus", "docker-hub": "Docker Hub",
    "harbor": "Harbor", "github": "GitHub"
  }, type);
  $sender := $sender ? $sender : type;
  {
    "applicationName": package.name,
    "releaseNumber": package.version,
    "reason": $join([
      package.name, package.version, package.event,
      package.feed ? "in " & $sender & " feed " & package.feed : "from " & $sender
    ][$], " ")
  }
)`

/**
 * Creates a build through BuildMaster's Release & Build Deployment API
 * (`POST {url}/api/releases/builds/create`, `X-ApiKey`, JSON).
 *
 * @example
 * ```yaml
 * targets:
 *   buildmaster:
 *     type: buildmaster
 *     url: https://buildmaster.example.com
 *     api_key: ${BUILDMASTER_API_KEY}
 * # map: { "applicationName": package.name, "releaseNumber": package.version,
 * #        "variables": { "GitCommit": push.sha } }   ->  body key "$GitCommit"
 * ```
 */
export const buildmasterPreset: TargetPreset<BuildMasterOptions> = {
  type: 'buildmaster',
  optionsSchema,
  secretOptions: ['api_key'],
  defaultMap: DEFAULT_MAP,
  defaultCooldownMs: 0,
  buildRequest(mapped: unknown, options: BuildMasterOptions): OutboundRequest {
    const value = dropNulls(requireObject(mapped, `${WHAT} mapped value`))
    // `$Name` keys at the top level are build variables too, as in BuildMaster's own docs
    rejectUnknownKeys(value, FIELDS, `${WHAT} mapped value`, (key) => key.startsWith('$'))

    const body: Record<string, unknown> = {}
    const applicationName = readString(value, 'applicationName', WHAT)
    const applicationId = readInteger(value, 'applicationId', WHAT)
    const releaseNumber = readStringOrNumber(value, 'releaseNumber', WHAT)
    const releaseId = readInteger(value, 'releaseId', WHAT)
    const pipelineName = readString(value, 'pipelineName', WHAT)
    if (applicationName === undefined && applicationId === undefined) {
      throw new MappingError(`${WHAT} needs applicationName or applicationId in the mapped value`)
    }
    if (releaseNumber === undefined && releaseId === undefined && pipelineName === undefined) {
      throw new MappingError(`${WHAT} needs releaseNumber (or releaseId), or pipelineName when no release is given`)
    }
    assign(body, 'applicationName', applicationName)
    assign(body, 'applicationId', applicationId)
    assign(body, 'releaseNumber', releaseNumber)
    assign(body, 'releaseId', releaseId)
    assign(body, 'buildNumber', readStringOrNumber(value, 'buildNumber', WHAT))
    assign(body, 'pipelineName', pipelineName)
    assign(body, 'reason', readString(value, 'reason', WHAT))

    const variables: Record<string, unknown> = {}
    for (const [key, v] of Object.entries(value)) {
      if (key.startsWith('$')) {
        variables[key] = v
      }
    }
    if (value['variables'] !== undefined) {
      Object.assign(variables, requireObject(value['variables'], `${WHAT} variables`))
    }
    for (const [name, v] of Object.entries(variables)) {
      addVariable(body, name, v)
    }

    return {
      method: 'POST',
      url: joinUrl(options.url, 'api/releases/builds/create'),
      headers: { 'Content-Type': 'application/json', 'X-ApiKey': options.api_key },
      body: JSON.stringify(body),
    }
  },
  /** BuildMaster answers with the BuildInfo it created: `id` and `number` (also as `buildNumber`). */
  readBuildReference(response) {
    const body = jsonObjectBody(response)
    return body && buildReference({ id: body['id'], number: body['number'] ?? body['buildNumber'] })
  },
}

function assign(body: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) {
    body[key] = value
  }
}

/** BuildMaster reads build variables from body keys prefixed with `$`. */
function addVariable(body: Record<string, unknown>, name: string, value: unknown): void {
  if (value === null || value === undefined) {
    return
  }
  const key = name.startsWith('$') ? name : `$${name}`
  if (key.length === 1) {
    throw new MappingError(`${WHAT} variables must not have an empty name`)
  }
  if (key in body) {
    throw new MappingError(`${WHAT} variable ${key} is given twice`)
  }
  body[key] = stringifyVariable(value)
}
