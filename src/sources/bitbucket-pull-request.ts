import type { PullRequestAction, PullRequestSide, PullRequestView } from '../envelope.ts'
import { isFork } from './github-pull-request.ts'
import { bool, field, int, str } from './json-read.ts'

/** Bitbucket Cloud has no action field: the event key says what happened. */
const ACTIONS: ReadonlyMap<string, PullRequestAction> = new Map([
  ['pullrequest:created', 'opened'],
  ['pullrequest:updated', 'updated'],
  ['pullrequest:fulfilled', 'merged'],
  ['pullrequest:rejected', 'closed'],
])

/** The payload has no clone URL; Bitbucket's HTTPS clone URL is the web URL plus `.git`. */
function side(end: unknown): PullRequestSide {
  const repoUrl = str(end, 'repository', 'links', 'html', 'href')
  return {
    repo: str(end, 'repository', 'full_name'),
    repo_url: repoUrl,
    clone_url: repoUrl === null ? null : `${repoUrl.replace(/\/+$/, '')}.git`,
    branch: str(end, 'branch', 'name'),
  }
}

/**
 * The pull request view of a Bitbucket Cloud `pullrequest:*` event. Bitbucket sends the short
 * (12-character) commit hash here and has no special pull request refs.
 */
export function bitbucketPullRequest(event: string, body: unknown): PullRequestView {
  const pr = field(body, 'pullrequest')
  const source = side(field(pr, 'source'))
  const target = side(field(pr, 'destination'))
  return {
    number: int(pr, 'id'),
    action: ACTIONS.get(event) ?? 'other',
    action_raw: event,
    title: str(pr, 'title'),
    url: str(pr, 'links', 'html', 'href'),
    author: str(pr, 'author', 'display_name') ?? str(pr, 'author', 'nickname'),
    draft: bool(pr, 'draft') ?? false,
    merged: str(pr, 'state') === 'MERGED',
    source: { ...source, sha: str(pr, 'source', 'commit', 'hash') },
    target,
    from_fork: isFork(source, target),
    head_ref: null,
    merge_ref: null,
  }
}
