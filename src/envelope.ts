/** The one input shape that `when`, `map` and `cooldown_key` expressions see (docs/rule-files.md, The envelope). */
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
  pull_request: PullRequestView | null
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

/** `opened`, new commits (`updated`), `closed` without merging, `merged`, `reopened`, anything else (`other`). */
export type PullRequestAction = 'opened' | 'updated' | 'closed' | 'merged' | 'reopened' | 'other'

/** One side of a pull request: where the change comes from, or where it goes. */
export interface PullRequestSide {
  repo: string | null
  repo_url: string | null
  clone_url: string | null
  branch: string | null
}

/**
 * A normalized pull/merge request event: the same shape for github, gitlab, bitbucket,
 * bitbucket-server and gitea. `head_ref`/`merge_ref` are the host's special refs without
 * `refs/` (`pull/12/head`, `merge-requests/12/head`), null where the host has none.
 */
export interface PullRequestView {
  number: number | null
  action: PullRequestAction
  /** the sender's own action (`synchronize`, `update`, `pullrequest:created`, `pr:opened`, ...) */
  action_raw: string | null
  title: string | null
  url: string | null
  author: string | null
  draft: boolean
  merged: boolean
  source: PullRequestSide & { sha: string | null }
  target: PullRequestSide
  from_fork: boolean
  head_ref: string | null
  merge_ref: string | null
}

/** A normalized package feed event: ProGet, npm, Nexus, Docker Hub, Harbor, GitHub Packages. */
export interface PackageView {
  feed: string | null
  name: string | null
  version: string | null
  event: string | null
  user: string | null
  /** where the package lives, when the sender names it (GitHub's registry URL, Harbor's host) */
  registry?: string | null
}
