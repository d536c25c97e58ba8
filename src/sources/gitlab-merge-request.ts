import type { PullRequestAction, PullRequestSide, PullRequestView } from '../envelope.ts'
import { isFork } from './github-pull-request.ts'
import { bool, field, int, str } from './json-read.ts'

const ACTIONS: ReadonlyMap<string, PullRequestAction> = new Map([
  ['open', 'opened'],
  ['reopen', 'reopened'],
  ['close', 'closed'],
  ['merge', 'merged'],
])

function side(project: unknown, branch: string | null): PullRequestSide {
  return {
    repo: str(project, 'path_with_namespace'),
    repo_url: str(project, 'web_url'),
    clone_url: str(project, 'git_http_url') ?? str(project, 'http_url'),
    branch,
  }
}

/**
 * The pull request view of a `Merge Request Hook`. GitLab sends `update` for title or label
 * edits too; only an update carrying `oldrev` (the previous head) brought new commits. The hook
 * names the acting user, not the merge request's author, so `author` is who triggered it.
 */
export function gitlabMergeRequest(body: unknown): PullRequestView {
  const mr = field(body, 'object_attributes')
  const number = int(mr, 'iid')
  const actionRaw = str(mr, 'action')
  const newCommits = actionRaw === 'update' && str(mr, 'oldrev') !== null
  const source = side(field(mr, 'source'), str(mr, 'source_branch'))
  const target = side(field(mr, 'target'), str(mr, 'target_branch'))
  const sourceId = int(mr, 'source_project_id')
  const targetId = int(mr, 'target_project_id')
  return {
    number,
    action: newCommits ? 'updated' : (ACTIONS.get(actionRaw ?? '') ?? 'other'),
    action_raw: actionRaw,
    title: str(mr, 'title'),
    url: str(mr, 'url'),
    author: str(body, 'user', 'username') ?? str(body, 'user', 'name'),
    draft: bool(mr, 'draft') ?? bool(mr, 'work_in_progress') ?? false,
    merged: str(mr, 'state') === 'merged',
    source: { ...source, sha: str(mr, 'last_commit', 'id') },
    target,
    from_fork: sourceId !== null && targetId !== null ? sourceId !== targetId : isFork(source, target),
    head_ref: number !== null ? `merge-requests/${number}/head` : null,
    merge_ref: null,
  }
}
