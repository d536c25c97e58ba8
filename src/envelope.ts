/** The one input shape that `when`, `map` and `cooldown_key` expressions see (product.md section 3). */
export interface Envelope {
  source: string
  type: string
  event: string
  delivery: string
  received_at: string
  /** lower-cased header names */
  headers: Record<string, string>
  query: Record<string, string>
  body: unknown
  push: PushView | null
  package: PackageView | null
  /** schedule sources only: the tick that fired (absent on webhook envelopes) */
  schedule?: ScheduleView
}

/** The tick of a schedule source. */
export interface ScheduleView {
  name: string
  cron: string
  timezone: string
  /** the tick's scheduled time (not when it ran), ISO 8601 UTC */
  fire_time: string
}

/** A normalized git ref push: the same shape for github, gitlab, bitbucket, bitbucket-server and gitea. */
export interface PushView {
  repo: string | null
  repo_url: string | null
  ref: string | null
  branch: string | null
  tag: string | null
  sha: string | null
  before: string | null
  message: string | null
  author: string | null
  pusher: string | null
  created: boolean
  deleted: boolean
  forced: boolean
  commits: PushCommit[]
}

export interface PushCommit {
  id: string
  message: string | null
  author: string | null
  url: string | null
  timestamp: string | null
}

/** A normalized package feed event (ProGet and feeds posting similar bodies). */
export interface PackageView {
  feed: string | null
  name: string | null
  version: string | null
  event: string | null
  user: string | null
}
