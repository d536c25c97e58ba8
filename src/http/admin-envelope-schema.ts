import { z } from '@hono/zod-openapi'
import { orNull } from './admin-schemas.ts'

/** The normalized views of an event (src/envelope.ts) as GET /api/events/{id} shows them. */

const text = z.string().nullable()

const pushView = z
  .strictObject({
    repo: text,
    repo_url: text,
    ref: text,
    branch: text,
    tag: text,
    sha: text,
    before: text,
    message: text,
    author: text,
    pusher: text,
    created: z.boolean(),
    deleted: z.boolean(),
    forced: z.boolean(),
    commits: z.array(z.strictObject({ id: z.string(), message: text, author: text, url: text, timestamp: text })),
  })
  .openapi('PushView')

const pullRequestSide = z.strictObject({ repo: text, repo_url: text, clone_url: text, branch: text })

const pullRequestView = z
  .strictObject({
    number: z.number().int().nullable(),
    action: z.enum(['opened', 'updated', 'closed', 'merged', 'reopened', 'other']),
    action_raw: text,
    title: text,
    url: text,
    author: text,
    draft: z.boolean(),
    merged: z.boolean(),
    source: pullRequestSide.extend({ sha: text }),
    target: pullRequestSide,
    from_fork: z.boolean(),
    head_ref: text,
    merge_ref: text,
  })
  .openapi('PullRequestView')

const packageView = z
  .strictObject({ feed: text, name: text, version: text, event: text, user: text, registry: text.optional() })
  .openapi('PackageView')

export const envelopeSchema = z
  .strictObject({
    push: orNull(pushView),
    pushes: z.array(pushView).openapi({ description: 'a Bitbucket push with several changes has one push per change; `push` is the first' }),
    pull_request: orNull(pullRequestView),
    package: orNull(packageView),
    headers: z.record(z.string(), z.string()),
    query: z.record(z.string(), z.string()),
  })
  .openapi('Envelope', {
    description: 'what `when` and `map` saw, rebuilt from the stored request; null when the source left the rules or the body no longer parses',
  })
