import * as z from 'zod'
import { MappingError } from '../errors.ts'
import { basicCredential } from './basic-credential.ts'
import { asObject, buildReference, jsonObjectBody } from './build-reference.ts'
import { dropNulls } from './drop-nulls.ts'
import { joinUrl } from './join-url.ts'
import { baseUrlOption, pathSegmentsOption, secretOption } from './option-schemas.ts'
import { readString } from './read-field.ts'
import { readStringMap } from './read-string-map.ts'
import { rejectUnknownKeys } from './reject-unknown-keys.ts'
import { requireObject } from './require-object.ts'
import { PULL_REQUEST_REF } from './pull-request-branch.ts'
import type { OutboundRequest, TargetPreset } from './types.ts'

const nameOption = pathSegmentsOption(1, 'must be one name: no "/", not "." or ".."')

const optionsSchema = z
  .object({
    // Azure DevOps Server: https://HOST/tfs (collections take the place of organizations)
    url: baseUrlOption.default('https://dev.azure.com'),
    org: nameOption,
    project: nameOption,
    // the pipeline's numeric id (definitionId in its URL); YAML may give it as a string
    pipeline: z.union([z.number().int().positive(), z.string().regex(/^\d+$/, 'must be the numeric pipeline id')]).transform(Number),
    token: secretOption,
  })
  .strict()

export type AzurePipelinesOptions = z.infer<typeof optionsSchema>

const WHAT = 'azure-pipelines'

/**
 * Default map: a pull request's source branch (from a fork, the host's head ref,
 * `refs/pull/N/head`); else the pushed ref as it is (`refs/heads/main` or `refs/tags/v1.2.3`).
 */
const DEFAULT_MAP = `pull_request ? { "ref": ${PULL_REQUEST_REF} } : { "ref": push.ref }`

/**
 * Runs an Azure Pipelines pipeline through the Runs - Run Pipeline REST API
 * (`POST {url}/{org}/{project}/_apis/pipelines/{pipeline}/runs?api-version=7.1`, the personal
 * access token as Basic auth with an empty user name). The map's `ref` becomes
 * `resources.repositories.self.refName`: a branch name gets `refs/heads/`, `tag` gets
 * `refs/tags/`, a full `refs/...` is kept. Variables must be "settable at queue time" in the
 * pipeline, or Azure answers 400. Azure answers `200` with the run and its `_links.web.href`.
 *
 * @example
 * ```yaml
 * targets:
 *   azure-app:
 *     type: azure-pipelines
 *     org: acme
 *     project: app
 *     pipeline: 12
 *     token: ${AZURE_DEVOPS_PAT}        # scope Build (read & execute)
 * # map: { "ref": push.branch, "templateParameters": { "environment": "staging" } }
 * ```
 */
export const azurePipelinesPreset: TargetPreset<AzurePipelinesOptions> = {
  type: 'azure-pipelines',
  optionsSchema,
  secretOptions: ['token'],
  defaultMap: DEFAULT_MAP,
  derivedSecrets: (options) => [basicCredential('', options.token)],
  defaultCooldownMs: 0,
  buildRequest(mapped: unknown, options: AzurePipelinesOptions): OutboundRequest {
    const value = dropNulls(requireObject(mapped, `${WHAT} mapped value`))
    rejectUnknownKeys(value, ['ref', 'tag', 'templateParameters', 'variables'], `${WHAT} mapped value`)
    const ref = readString(value, 'ref', WHAT)
    const tag = readString(value, 'tag', WHAT)
    if ((ref === undefined) === (tag === undefined)) {
      throw new MappingError(`${WHAT} needs exactly one of ref (a branch or a full refs/... name) or tag in the mapped value`)
    }
    const refName = ref !== undefined ? fullRef(ref, 'refs/heads/') : fullRef(tag ?? '', 'refs/tags/')

    const body: Record<string, unknown> = { resources: { repositories: { self: { refName } } } }
    const templateParameters = readStringMap(value['templateParameters'], `${WHAT} templateParameters`)
    if (templateParameters !== undefined) {
      body['templateParameters'] = templateParameters
    }
    const variables = readStringMap(value['variables'], `${WHAT} variables`)
    if (variables !== undefined) {
      body['variables'] = Object.fromEntries(Object.entries(variables).map(([name, v]) => [name, { value: v }]))
    }

    const path = `${encodeURIComponent(options.org)}/${encodeURIComponent(options.project)}/_apis/pipelines/${options.pipeline}/runs`
    return {
      method: 'POST',
      url: `${joinUrl(options.url, path)}?api-version=7.1`,
      headers: {
        Authorization: `Basic ${basicCredential('', options.token)}`,
        'Content-Type': 'application/json',
        Accept: 'application/json',
      },
      body: JSON.stringify(body),
    }
  },
  /** Azure Pipelines answers with the run: `_links.web.href`, `id` and its build number as `name` (20240305.1). */
  readBuildReference(response) {
    const body = jsonObjectBody(response)
    const web = asObject(asObject(body?.['_links'])?.['web'])
    return body && buildReference({ url: web?.['href'], id: body['id'], number: body['name'] })
  },
}

function fullRef(name: string, prefix: string): string {
  return name.startsWith('refs/') ? name : `${prefix}${name}`
}
