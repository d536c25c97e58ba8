import * as z from 'zod'
import { MappingError } from '../errors.ts'
import { dropNulls } from './drop-nulls.ts'
import { joinUrl } from './join-url.ts'
import { baseUrlOption, pathSegmentsOption, secretOption } from './option-schemas.ts'
import { readString } from './read-field.ts'
import { readStringMap } from './read-string-map.ts'
import { rejectUnknownKeys } from './reject-unknown-keys.ts'
import { requireObject } from './require-object.ts'
import type { OutboundRequest, TargetPreset } from './types.ts'

const optionsSchema = z
  .object({
    // GitHub Enterprise Server: https://HOST/api/v3
    url: baseUrlOption.default('https://api.github.com'),
    repo: pathSegmentsOption(2, 'must be owner/name, e.g. acme/app'),
    token: secretOption,
    // the workflow's file name (ci.yml) or its numeric id; absent: repository_dispatch
    workflow: z
      .union([z.number().int().positive(), pathSegmentsOption(1, 'must be the workflow file name (ci.yml) or its numeric id')])
      .transform(String)
      .optional(),
  })
  .strict()

export type GitHubActionsOptions = z.infer<typeof optionsSchema>

const WHAT = 'github-actions'

/** GitHub's documented limits for a repository dispatch. */
const EVENT_TYPE_MAX = 100
const CLIENT_PAYLOAD_MAX_KEYS = 10

/**
 * Default map with `workflow`: run it on a pull request's source branch, else on the pushed
 * branch, or the tag on a tag push. A workflow_dispatch runs a branch or tag of the repository
 * itself, so a pull request from a fork needs the repository_dispatch form (no `workflow`).
 */
const WORKFLOW_MAP = `{ "ref": pull_request ? pull_request.source.branch : push.branch ? push.branch : push.tag }`

/**
 * Default map without `workflow`: a repository_dispatch named after the sender's event
 * (`hookyard.push`, `hookyard.pull_request`), with what a workflow needs to check out the push or
 * the pull request (a fork's clone URL and the head ref included) in `client_payload`.
 */
const DISPATCH_MAP = `{
  "event_type": "hookyard." & event,
  "client_payload": pull_request ? {
    "number": pull_request.number, "action": pull_request.action,
    "repo": pull_request.source.repo, "clone_url": pull_request.source.clone_url,
    "branch": pull_request.source.branch, "sha": pull_request.source.sha,
    "base": pull_request.target.branch, "head_ref": pull_request.head_ref, "merge_ref": pull_request.merge_ref
  } : push ? { "repo": push.repo, "ref": push.ref, "branch": push.branch, "tag": push.tag, "sha": push.sha }
}`

/**
 * Starts GitHub Actions workflows through the REST API (`X-GitHub-Api-Version: 2022-11-28`).
 * With `workflow`: a workflow_dispatch, `POST {url}/repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches`
 * `{ ref, inputs? }`; without it: a repository_dispatch, `POST {url}/repos/{owner}/{repo}/dispatches`
 * `{ event_type, client_payload? }`. GitHub answers `204 No Content`.
 *
 * @example
 * ```yaml
 * targets:
 *   app-ci:
 *     type: github-actions
 *     repo: acme/app
 *     token: ${GITHUB_ACTIONS_TOKEN}    # actions: write (workflow) or contents: write (dispatch)
 *     workflow: ci.yml
 * # map: { "ref": push.branch, "inputs": { "sha": push.sha, "debug": false } }
 * ```
 */
export const githubActionsPreset: TargetPreset<GitHubActionsOptions> = {
  type: 'github-actions',
  optionsSchema,
  secretOptions: ['token'],
  defaultMap: WORKFLOW_MAP,
  defaultMapFor: (options) => (options.workflow === undefined ? DISPATCH_MAP : WORKFLOW_MAP),
  defaultCooldownMs: 0,
  buildRequest(mapped: unknown, options: GitHubActionsOptions): OutboundRequest {
    const value = dropNulls(requireObject(mapped, `${WHAT} mapped value`))
    const [owner = '', name = ''] = options.repo.split('/')
    const repoPath = `repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`
    const body =
      options.workflow === undefined ? repositoryDispatch(value) : workflowDispatch(value, options.workflow)
    const path =
      options.workflow === undefined
        ? `${repoPath}/dispatches`
        : `${repoPath}/actions/workflows/${encodeURIComponent(options.workflow)}/dispatches`
    return {
      method: 'POST',
      url: joinUrl(options.url, path),
      headers: {
        Accept: 'application/vnd.github+json',
        Authorization: `Bearer ${options.token}`,
        'X-GitHub-Api-Version': '2022-11-28',
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(body),
    }
  },
}

function workflowDispatch(value: Record<string, unknown>, workflow: string): Record<string, unknown> {
  const what = `${WHAT} (workflow ${workflow})`
  rejectUnknownKeys(value, ['ref', 'inputs'], `${what} mapped value`)
  const ref = readString(value, 'ref', what)
  if (ref === undefined) {
    throw new MappingError(`${what} needs ref (the branch or tag to run the workflow on) in the mapped value`)
  }
  // input values go as strings, which GitHub accepts for every input type ("true" for a boolean)
  const inputs = readStringMap(value['inputs'], `${what} inputs`)
  return inputs === undefined ? { ref } : { ref, inputs }
}

function repositoryDispatch(value: Record<string, unknown>): Record<string, unknown> {
  const what = `${WHAT} (repository_dispatch)`
  rejectUnknownKeys(value, ['event_type', 'client_payload'], `${what} mapped value`)
  const eventType = readString(value, 'event_type', what)
  if (eventType === undefined) {
    throw new MappingError(`${what} needs event_type in the mapped value (or set workflow on the target)`)
  }
  if (eventType.length > EVENT_TYPE_MAX) {
    throw new MappingError(`${what}: event_type must be at most ${EVENT_TYPE_MAX} characters, got ${eventType.length}`)
  }
  if (value['client_payload'] === undefined) {
    return { event_type: eventType }
  }
  const clientPayload = dropNulls(requireObject(value['client_payload'], `${what} client_payload`))
  const keys = Object.keys(clientPayload).length
  if (keys > CLIENT_PAYLOAD_MAX_KEYS) {
    throw new MappingError(
      `${what}: client_payload may have at most ${CLIENT_PAYLOAD_MAX_KEYS} top-level properties, got ${keys}`
    )
  }
  return { event_type: eventType, client_payload: clientPayload }
}
