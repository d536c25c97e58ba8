import { createHash } from 'node:crypto'
import { MappingError } from '../errors.ts'
import { requireObject } from './require-object.ts'

/**
 * What a reporter target (github-status, gitlab-status, ...) receives as its mapped value: one
 * status of one commit, in hookyard's own words. Each reporter turns it into its host's request
 * and its host's state names. Hookyard builds this value itself; no route map produces it.
 */
export interface CommitStatus {
  /** `owner/name` (GitHub, Gitea), `group/sub/project` or a numeric id (GitLab), `workspace/repo` (Bitbucket) */
  repository: string
  sha: string
  state: CommitState
  description: string
  /** the status's name on the commit: statuses with the same context replace each other */
  context: string
  /** where the status links to (the build, or the delivery in the dashboard); null: no link */
  target_url: string | null
}

/** `failure`: the CI system answered with a refusal; `error`: it could not be reached, or the trigger could not be built. */
export type CommitState = 'pending' | 'success' | 'failure' | 'error'

const STATES: readonly CommitState[] = ['pending', 'success', 'failure', 'error']

/**
 * One reporter a trigger delivery reports to, resolved when the event was routed: which commit,
 * and under which context (kept so every status of the delivery replaces the previous one).
 */
export interface CommitReport {
  /** the reporter target's name */
  target: string
  repository: string
  sha: string
  context: string
}

/** A full or abbreviated git commit id (SHA-1 or SHA-256). */
const SHA = /^[0-9a-f]{7,64}$/i

/**
 * Reads the commit status a reporter preset was given.
 * @throws MappingError naming the field that is missing or wrong
 */
export function readCommitStatus(mapped: unknown, what: string): CommitStatus {
  const value = requireObject(mapped, `${what} status`)
  const text = (key: string): string => {
    const v = value[key]
    if (typeof v !== 'string' || v.trim() === '') {
      throw new MappingError(`${what}: ${key} must be a non-empty string (the commit's ${key})`)
    }
    return v
  }
  const sha = text('sha')
  if (!SHA.test(sha)) {
    throw new MappingError(`${what}: sha must be a git commit id (7 to 64 hex digits), got ${JSON.stringify(sha.slice(0, 80))}`)
  }
  const state = value['state']
  if (!STATES.includes(state as CommitState)) {
    throw new MappingError(`${what}: state must be one of ${STATES.join(', ')}`)
  }
  const targetUrl = value['target_url']
  if (targetUrl !== null && targetUrl !== undefined && (typeof targetUrl !== 'string' || !/^https?:\/\//.test(targetUrl))) {
    throw new MappingError(`${what}: target_url must be an http(s) URL or null`)
  }
  const description = value['description']
  return {
    repository: text('repository'),
    sha,
    state: state as CommitState,
    description: typeof description === 'string' ? description : '',
    context: text('context'),
    target_url: typeof targetUrl === 'string' ? targetUrl : null,
  }
}

/**
 * A repository given as exactly `count` path names (`owner/name`), each URL-encoded as one
 * segment. "." and ".." are refused: the URL would be resolved to another path.
 * @throws MappingError when the repository does not have that shape
 */
export function repositorySegments(repository: string, count: number, example: string, what: string): string[] {
  const names = repository.split('/')
  if (names.length !== count || names.some((n) => n.trim() === '' || n === '.' || n === '..')) {
    throw new MappingError(`${what}: repository must look like ${example}, got ${JSON.stringify(repository.slice(0, 200))}`)
  }
  return names.map(encodeURIComponent)
}

/**
 * What every reporter preset shares: hookyard builds a reporter's input itself (a CommitStatus),
 * so the map is never evaluated, and no cooldown holds a status back.
 */
export const REPORTER_TRAITS = { defaultMap: '$', defaultCooldownMs: 0, reporter: true } as const

/** The body GitHub and Gitea take alike: `{ state, target_url?, description, context }`. */
export function statusBody(status: CommitStatus, descriptionMax: number): string {
  return JSON.stringify({
    state: status.state,
    ...(status.target_url === null ? {} : { target_url: status.target_url }),
    description: clip(status.description, descriptionMax),
    context: status.context,
  })
}

/** Cuts text to `max` characters (an ellipsis marks the cut): hosts refuse or clip longer descriptions. */
export function clip(text: string, max: number): string {
  const chars = [...text]
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`
}

/**
 * A key of at most `max` characters that stays distinct per context: a longer context keeps its
 * start and gets a short hash of the whole, so two long contexts never share a key.
 */
export function boundedKey(context: string, max: number): string {
  if (context.length <= max) {
    return context
  }
  const hash = createHash('sha256').update(context).digest('hex').slice(0, 8)
  return `${context.slice(0, max - hash.length - 1)}-${hash}`
}
