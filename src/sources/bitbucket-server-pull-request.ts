import type { PullRequestAction, PullRequestSide, PullRequestView } from '../envelope.ts'
import { serverRepo } from './bitbucket-server-repo.ts'
import { isFork } from './github-pull-request.ts'
import { arr, bool, field, int, str } from './json-read.ts'
import { branchOf } from './refs.ts'

const ACTIONS: ReadonlyMap<string, PullRequestAction> = new Map([
  ['pr:opened', 'opened'],
  ['pr:from_ref_updated', 'updated'],
  ['pr:merged', 'merged'],
  ['pr:declined', 'closed'],
  ['pr:deleted', 'closed'],
])

function side(ref: unknown): PullRequestSide {
  const { repo, repo_url, clone_url } = serverRepo(field(ref, 'repository'))
  return { repo, repo_url, clone_url, branch: branchOf(str(ref, 'id')) ?? str(ref, 'displayId') }
}

/**
 * The pull request view of a Bitbucket Server / Data Center `pr:*` event. Its
 * `refs/pull-requests/N/from|merge` refs are created on demand by the server, so they are not
 * offered as head/merge refs a build could rely on.
 */
export function bitbucketServerPullRequest(event: string, body: unknown): PullRequestView {
  const pr = field(body, 'pullRequest')
  const source = side(field(pr, 'fromRef'))
  const target = side(field(pr, 'toRef'))
  return {
    number: int(pr, 'id'),
    action: ACTIONS.get(event) ?? 'other',
    action_raw: event,
    title: str(pr, 'title'),
    url: str(arr(pr, 'links', 'self')[0], 'href'),
    author: str(pr, 'author', 'user', 'name') ?? str(pr, 'author', 'user', 'displayName'),
    draft: bool(pr, 'draft') ?? false,
    merged: str(pr, 'state') === 'MERGED',
    source: { ...source, sha: str(pr, 'fromRef', 'latestCommit') },
    target,
    from_fork: isFork(source, target),
    head_ref: null,
    merge_ref: null,
  }
}
