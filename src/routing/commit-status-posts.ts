import type { Envelope } from '../envelope.ts'
import { HookyardError } from '../errors.ts'
import type { ReportToDefinition, RouteDefinition, TargetDefinition } from '../rules/types.ts'
import type { CommitReport, CommitState, CommitStatus } from '../targets/commit-status.ts'
import type { OutboundRequest } from '../targets/types.ts'

/**
 * Which status of a trigger delivery a status post carries: one post per phase, so its delivery
 * id (and job id) is stable and a retried step never posts the same status twice.
 */
export type StatusPhase = 'pending' | 'coalesced' | 'success' | 'failure' | 'error'

/** The statuses that may follow `pending`: once one exists, a pending post still waiting is obsolete. */
const LATER_PHASES = ['coalesced', 'success', 'failure', 'error'] as const

/** The delivery id of one status post: `<trigger delivery>-status-<reporter>-<phase>`. */
export function statusDeliveryId(triggerId: string, reporter: string, phase: StatusPhase): string {
  return `${triggerId}-status-${reporter}-${phase}`
}

/**
 * The ids of the statuses that follow a trigger delivery's `pending` one for one reporter. Once
 * one of them exists, the pending status still waiting (retried after a rate limit) is obsolete:
 * sent later, it would put the commit back to pending.
 */
export function laterStatusIds(triggerId: string, reporter: string): string[] {
  return LATER_PHASES.map((phase) => statusDeliveryId(triggerId, reporter, phase))
}

/** The default context: the route, and the target too when the route triggers several (each needs a status of its own). */
export function statusContext(reporter: TargetDefinition, route: RouteDefinition, target: string): string {
  const configured = reporter.options['context']
  if (typeof configured === 'string' && configured !== '') {
    return configured
  }
  return route.to.length > 1 ? `hookyard/${route.name}/${target}` : `hookyard/${route.name}`
}

/**
 * The commit a `report_to` entry reports on for this envelope: its expressions, else the pull
 * request's repository and head commit, else the pushed ones. Null when there is no commit to
 * report on (an event about neither, a deleted branch).
 */
export async function resolveCommit(entry: ReportToDefinition, envelope: Envelope): Promise<{ repository: string; sha: string } | null> {
  const pr = envelope.pull_request
  const push = envelope.push
  const repository = entry.repository ? await entry.repository.evaluate(envelope) : (pr ? pr.target.repo : push?.repo)
  const sha = entry.sha ? await entry.sha.evaluate(envelope) : (pr ? pr.source.sha : push?.deleted ? null : push?.sha)
  const text = (v: unknown): string | null => (typeof v === 'number' ? String(v) : typeof v === 'string' && v.trim() !== '' ? v : null)
  const r = text(repository)
  const s = text(sha)
  // an all-zero id names no commit: a created or deleted ref's missing side
  return r === null || s === null || /^0+$/.test(s) ? null : { repository: r, sha: s }
}

export interface StatusPost {
  state: CommitState
  description: string
  targetUrl: string | null
}

/**
 * The request of one status post, or the reason it cannot be built (a repository the reporter
 * cannot address): stored as the status delivery's error, never thrown at the trigger.
 */
export function buildStatusRequest(reporter: TargetDefinition, report: CommitReport, post: StatusPost): { request: OutboundRequest | null; error: string | null } {
  const status: CommitStatus = {
    repository: report.repository,
    sha: report.sha,
    state: post.state,
    description: post.description,
    context: report.context,
    target_url: post.targetUrl,
  }
  try {
    return { request: reporter.preset.buildRequest(status, reporter.options), error: null }
  } catch (err) {
    if (!(err instanceof HookyardError)) {
      throw err
    }
    return { request: null, error: `report to ${reporter.name}: ${err.message}` }
  }
}

/** How the first status describes a queued trigger: a cooldown may fold it into a newer event. */
export function queuedDescription(target: TargetDefinition): string {
  if (target.cooldownMs > 0) {
    return `Queued for ${target.name} (${formatWindow(target.cooldownMs)} cooldown: a newer event may take its place)`
  }
  return `Queued for ${target.name}`
}

function formatWindow(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`
  if (ms % 60_000 === 0) return `${ms / 60_000}m`
  if (ms % 1000 === 0) return `${ms / 1000}s`
  return `${ms}ms`
}
