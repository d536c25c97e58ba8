import type { PullRequestAction, PullRequestSide, PullRequestView } from '../envelope.ts'
import { asObject, bool, field, int, str } from './json-read.ts'

/** GitHub's `synchronize` and Gitea's `synchronized` both mean "new commits pushed". */
const ACTIONS: ReadonlyMap<string, PullRequestAction> = new Map([
  ['opened', 'opened'],
  ['reopened', 'reopened'],
  ['synchronize', 'updated'],
  ['synchronized', 'updated'],
])

function side(end: unknown): PullRequestSide {
  return {
    repo: str(end, 'repo', 'full_name'),
    repo_url: str(end, 'repo', 'html_url'),
    clone_url: str(end, 'repo', 'clone_url'),
    branch: str(end, 'ref'),
  }
}

export interface SpecialRefs {
  /** the host keeps `refs/pull/N/head` (GitHub, Gitea) */
  head: boolean
  /** the host keeps the pre-merged state at `refs/pull/N/merge` (GitHub only) */
  merge: boolean
}

/**
 * The pull request view of a GitHub-shaped `pull_request` event (GitHub, Gitea, Forgejo).
 * A close that merged is `merged`: GitHub says so only through `pull_request.merged`.
 */
export function githubStylePullRequest(body: unknown, refs: SpecialRefs): PullRequestView {
  const pr = asObject(field(body, 'pull_request'))
  const number = int(body, 'number') ?? int(pr, 'number')
  const actionRaw = str(body, 'action')
  const merged = bool(pr, 'merged') ?? false
  const closed = actionRaw === 'closed'
  const source = side(field(pr, 'head'))
  const target = side(field(pr, 'base'))
  return {
    number,
    action: closed ? (merged ? 'merged' : 'closed') : (ACTIONS.get(actionRaw ?? '') ?? 'other'),
    action_raw: actionRaw,
    title: str(pr, 'title'),
    url: str(pr, 'html_url'),
    author: str(pr, 'user', 'login') ?? str(pr, 'user', 'username'),
    draft: bool(pr, 'draft') ?? false,
    merged,
    source: { ...source, sha: str(pr, 'head', 'sha') },
    target,
    from_fork: isFork(source, target),
    head_ref: refs.head && number !== null ? `pull/${number}/head` : null,
    merge_ref: refs.merge && number !== null ? `pull/${number}/merge` : null,
  }
}

/** From another repository than the one it targets; unknown (a deleted fork) counts as not proven. */
export function isFork(source: PullRequestSide, target: PullRequestSide): boolean {
  return source.repo !== null && target.repo !== null && source.repo !== target.repo
}
