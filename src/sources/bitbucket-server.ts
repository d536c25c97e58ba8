import type { PushCommit, PushView } from '../envelope.ts'
import { bitbucketServerPullRequest } from './bitbucket-server-pull-request.ts'
import { serverRepo } from './bitbucket-server-repo.ts'
import { header } from './headers.ts'
import { verifyHmac } from './hmac.ts'
import { arr, field, str } from './json-read.ts'
import { baseOptionsSchema } from './options.ts'
import { parseBody } from './parse-body.ts'
import { branchOf, isZeroSha, realSha, tagOf } from './refs.ts'
import type { InboundRequest, SourceType } from './types.ts'

/** Newer Data Center versions add commits (`authorTimestamp` in epoch ms); older ones only hashes. */
function serverCommit(commit: unknown): PushCommit | null {
  const id = str(commit, 'id')
  if (id === null) return null
  const millis = field(commit, 'authorTimestamp')
  return {
    id,
    message: str(commit, 'message'),
    author: str(commit, 'author', 'displayName') ?? str(commit, 'author', 'name'),
    url: null,
    timestamp: isoTimestamp(millis),
  }
}

/**
 * Epoch milliseconds as ISO text, or null. A number outside the Date range (`1e300`) makes
 * toISOString throw a RangeError, which must not turn a hostile payload into a 500.
 */
function isoTimestamp(millis: unknown): string | null {
  if (typeof millis !== 'number') return null
  const date = new Date(millis)
  return Number.isNaN(date.getTime()) ? null : date.toISOString()
}

/** Commits that belong to this change: its own list, or the event's when there is one change. */
function changeCommits(body: unknown, change: unknown): PushCommit[] {
  const own = arr(change, 'commits')
  const list = own.length > 0 || arr(body, 'changes').length > 1 ? own : arr(body, 'commits')
  return list.flatMap((c) => serverCommit(c) ?? [])
}

function refNames(change: unknown): { ref: string | null; branch: string | null; tag: string | null } {
  const ref = str(change, 'ref', 'id') ?? str(change, 'refId')
  const display = str(change, 'ref', 'displayId')
  const refType = str(change, 'ref', 'type')
  if (refType === 'BRANCH') return { ref, branch: display ?? branchOf(ref), tag: null }
  if (refType === 'TAG') return { ref, branch: null, tag: display ?? tagOf(ref) }
  return { ref, branch: branchOf(ref), tag: tagOf(ref) }
}

function repoNames(body: unknown): { repo: string | null; repo_url: string | null } {
  const { repo, repo_url } = serverRepo(field(body, 'repository'))
  return { repo, repo_url }
}

function changePush(body: unknown, change: unknown): PushView {
  const kind = str(change, 'type')
  const toHash = str(change, 'toHash')
  const deleted = kind === 'DELETE' || isZeroSha(toHash)
  const sha = deleted ? null : realSha(toHash)
  const commits = changeCommits(body, change)
  const toCommits = [field(change, 'toCommit'), field(body, 'toCommit')].map(serverCommit)
  const head = [...toCommits, ...commits].find((c) => c !== null && c.id === sha) ?? null
  return {
    ...repoNames(body),
    ...refNames(change),
    sha,
    before: realSha(str(change, 'fromHash')),
    message: head?.message ?? null,
    author: head?.author ?? null,
    pusher: str(body, 'actor', 'name'),
    created: kind === 'ADD',
    deleted,
    forced: false,
    commits,
  }
}

/** Bitbucket Server / Data Center: `X-Hub-Signature: sha256=<hex>` (`sha1=` on older servers). */
export const bitbucketServerSource: SourceType = {
  type: 'bitbucket-server',
  commits: true,
  optionsSchema: baseOptionsSchema,

  verify(req, source) {
    const value = header(req, 'x-hub-signature')
    const algorithm = value?.startsWith('sha1=') ? 'sha1' : 'sha256'
    verifyHmac(source, { header: 'X-Hub-Signature', value, data: req.rawBody, algorithm, prefix: `${algorithm}=` })
  },

  parse(req) {
    const event = header(req, 'x-event-key') ?? 'unknown'
    const ping = event === 'diagnostics:ping'
    // "Test connection" is answered without caring what (if anything) it carries
    const body = ping ? bodyOrNull(req) : parseBody(req, { required: true })
    const changes = event === 'repo:refs_changed' ? arr(body, 'changes') : []
    return {
      event,
      deliveryId: header(req, 'x-request-id') ?? null,
      ping,
      body,
      pushes: changes.map((change) => changePush(body, change)),
      pullRequest: event.startsWith('pr:') ? bitbucketServerPullRequest(event, body) : null,
      package: null,
    }
  },
}

function bodyOrNull(req: InboundRequest): unknown {
  try {
    return parseBody(req)
  } catch {
    return null
  }
}
