import type { RetryPolicy } from '../rules/types.ts'
import type { CommitReport } from '../targets/commit-status.ts'
import type { OutboundRequest } from '../targets/types.ts'

export const DELIVERY_QUEUE = 'deliveries'
/** The job's backoff type: routes BullMQ's retry delay to our strategy (Retry-After, jitter). */
export const BACKOFF_TYPE = 'hookyard'

/** Job names: a delivery without cooldown carries its request; a cooldown job is only a wake-up call. */
export const DELIVER_JOB = 'deliver'
export const COOLDOWN_JOB = 'cooldown'
/** a notification about deliveries or targets (never about notifications) */
export const NOTIFY_JOB = 'notify'

/** The deduplication id that keeps at most one waiting wake-up job per cooldown key. */
export function cooldownDedupId(keyHash: string): string {
  return `cooldown-${keyHash}`
}

interface JobBase {
  target: string
  timeoutMs: number
  retry: RetryPolicy
}

/**
 * What a worker needs to send a delivery besides its request. The request was rendered once at
 * ingress and is stored once, in the delivery record: the job names the delivery, it does not
 * carry a copy.
 */
export interface DeliveryJobData extends JobBase {
  id: string
  event: string
  route: string
  /** only on jobs queued by hookyard 0.1 (they carried the request): sent as is */
  request?: OutboundRequest
  /** a trigger of a route with `report_to`: where its outcome is posted as a commit status */
  reports?: CommitReport[]
  /** a commit status post: skipped once any of these deliveries exists (a later status of the commit) */
  obsoleteWhen?: string[]
  /** a commit status post: waits while any of these jobs (an earlier status of the commit) is being sent */
  after?: string[]
}

/** "Look at this cooldown key": whatever delivery is latest when the window opens fires. */
export interface CooldownJobData extends JobBase {
  keyHash: string
  cooldownKey: string
  cooldownMs: number
  /** `supersede: true`: a folded delivery is recorded as superseded (absent on older jobs) */
  supersede?: boolean
}

/** A notification, rendered when it was raised. */
export interface NotifyJobData {
  notify: string
  type: string
  request: OutboundRequest
  timeoutMs: number
  retry: RetryPolicy
}

export type QueueJobData = DeliveryJobData | CooldownJobData | NotifyJobData

/**
 * Options every delivery job gets: the target's retry budget, our backoff strategy, and retention
 * that keeps Redis bounded (completed jobs by age and count, failed ones by age).
 */
export function deliveryJobOptions(attempts: number, retentionMs: number) {
  const age = Math.ceil(retentionMs / 1000)
  return {
    attempts,
    backoff: { type: BACKOFF_TYPE },
    removeOnComplete: { age, count: 10_000 },
    removeOnFail: { age },
  }
}
