import type { PushCommit, PushView } from '../envelope.ts'
import { bitbucketPullRequest } from './bitbucket-pull-request.ts'
import { header } from './headers.ts'
import { verifyHmac } from './hmac.ts'
import { arr, asObject, bool, field, str } from './json-read.ts'
import { baseOptionsSchema } from './options.ts'
import { parseBody } from './parse-body.ts'
import type { SourceType } from './types.ts'

/** `raw` is the git author line `Name <email>`; the view carries the name, like the other senders. */
function authorName(author: unknown): string | null {
  const raw = str(author, 'raw')
  const name = raw?.replace(/\s*<[^>]*>\s*$/, '').trim()
  return name || raw || str(author, 'user', 'display_name') || str(author, 'display_name')
}

function bitbucketCommit(commit: unknown): PushCommit | null {
  const id = str(commit, 'hash')
  if (id === null) return null
  return {
    id,
    message: str(commit, 'message'),
    author: authorName(field(commit, 'author')),
    url: str(commit, 'links', 'html', 'href'),
    timestamp: str(commit, 'date'),
  }
}

function refNames(side: unknown): { branch: string | null; tag: string | null; ref: string | null } {
  const kind = str(side, 'type')
  const name = str(side, 'name')
  const branch = name !== null && (kind === 'branch' || kind === 'named_branch') ? name : null
  const tag = name !== null && kind === 'tag' ? name : null
  const ref = branch !== null ? `refs/heads/${branch}` : tag !== null ? `refs/tags/${tag}` : null
  return { branch, tag, ref }
}

/** One change of `push.changes`: `new` is null for a deleted ref, `old` null for a new one. */
function changePush(body: unknown, change: unknown): PushView {
  const next = asObject(field(change, 'new'))
  const prev = asObject(field(change, 'old'))
  const { branch, tag, ref } = refNames(next ?? prev)
  return {
    repo: str(body, 'repository', 'full_name'),
    repo_url: str(body, 'repository', 'links', 'html', 'href'),
    ref,
    branch,
    tag,
    sha: str(next, 'target', 'hash'),
    before: str(prev, 'target', 'hash'),
    message: str(next, 'target', 'message'),
    author: authorName(field(next, 'target', 'author')),
    pusher: str(body, 'actor', 'display_name') ?? str(body, 'actor', 'nickname'),
    created: bool(change, 'created') ?? prev === null,
    deleted: next === null || bool(change, 'closed') === true,
    forced: bool(change, 'forced') ?? false,
    commits: arr(change, 'commits').flatMap((c) => bitbucketCommit(c) ?? []),
  }
}

/** Bitbucket Cloud: `X-Hub-Signature: sha256=<hex>` over the raw body (SHA-256 only). */
export const bitbucketSource: SourceType = {
  type: 'bitbucket',
  commits: true,
  optionsSchema: baseOptionsSchema,

  verify(req, source) {
    verifyHmac(source, {
      header: 'X-Hub-Signature',
      value: header(req, 'x-hub-signature'),
      data: req.rawBody,
      algorithm: 'sha256',
      prefix: 'sha256=',
    })
  },

  parse(req) {
    const body = parseBody(req, { required: true })
    const event = header(req, 'x-event-key') ?? 'unknown'
    const changes = event === 'repo:push' ? arr(body, 'push', 'changes') : []
    return {
      event,
      deliveryId: header(req, 'x-request-uuid') ?? null,
      ping: false,
      body,
      pushes: changes.map((change) => changePush(body, change)),
      pullRequest: event.startsWith('pullrequest:') ? bitbucketPullRequest(event, body) : null,
      package: null,
    }
  },
}
