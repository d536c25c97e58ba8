import type { PushCommit, PushView } from '../envelope.ts'
import { arr, asObject, bool, field, str } from './json-read.ts'
import { branchOf, isZeroSha, realSha, tagOf } from './refs.ts'

/** GitHub, Gitea and GitLab describe a commit with the same fields. */
export function githubCommit(commit: unknown): PushCommit | null {
  const id = str(commit, 'id')
  if (id === null) return null
  return {
    id,
    message: str(commit, 'message'),
    author: str(commit, 'author', 'name'),
    url: str(commit, 'url'),
    timestamp: str(commit, 'timestamp'),
  }
}

/**
 * The push view of a GitHub-shaped push payload (GitHub, Gitea, Forgejo, Gogs). Gitea omits
 * created/deleted/forced, so those fall back to what the all-zeros SHAs say.
 */
export function githubStylePush(body: unknown, pusher: string | null): PushView {
  const ref = str(body, 'ref')
  const before = str(body, 'before')
  const after = str(body, 'after')
  const head = asObject(field(body, 'head_commit'))
  return {
    repo: str(body, 'repository', 'full_name'),
    repo_url: str(body, 'repository', 'html_url'),
    ref,
    branch: branchOf(ref),
    tag: tagOf(ref),
    sha: realSha(after),
    before: realSha(before),
    message: str(head, 'message'),
    author: str(head, 'author', 'name'),
    pusher,
    created: bool(body, 'created') ?? isZeroSha(before),
    deleted: bool(body, 'deleted') ?? isZeroSha(after),
    forced: bool(body, 'forced') ?? false,
    commits: arr(body, 'commits').flatMap((c) => githubCommit(c) ?? []),
  }
}
