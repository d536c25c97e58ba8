import type { DeliveryLog } from '../store/delivery-log.ts'
import type { DeliveryRecord } from '../store/records.ts'
import type { Logger } from '../logger.ts'
import { dashboardLink } from '../dashboard-link.ts'
import { buildStatusRequest, statusDeliveryId, type StatusPhase, type StatusPost } from '../routing/commit-status-posts.ts'
import { withStandardHeaders } from '../routing/plan-deliveries.ts'
import type { RuleSet } from '../rules/types.ts'
import type { BuildReference } from '../targets/build-reference.ts'
import type { CommitReport } from '../targets/commit-status.ts'
import { DELIVER_JOB, deliveryJobOptions } from './delivery-job.ts'
import type { DeliveryQueues } from './delivery-queue.ts'

/** A trigger delivery whose outcome is posted to the commits it was routed for. */
export interface ReportedTrigger {
  deliveryId: string
  eventId: string
  route: string
  target: string
  reports: readonly CommitReport[]
}

/** How a trigger delivery ended, once no retry follows. */
export interface TriggerOutcome {
  delivered: boolean
  /** why it failed: `HTTP 500`, `timed out`, ... */
  reason: string | null
  /** the HTTP status of the last answer; null when the target was not reached */
  status: number | null
  build?: BuildReference | undefined
}

export interface StatusReporter {
  /**
   * Queues the final status of each commit the trigger reports to: `success` with the build's
   * link, else `failure` (the target refused) or `error` (not reached), with the reason. Each is a
   * delivery of its own (stored, retried, listed under the event) with a stable id, so a retried
   * step queues nothing twice. Never throws: a status must never fail the trigger it reports on.
   */
  finished(trigger: ReportedTrigger, outcome: TriggerOutcome): Promise<void>
  /**
   * True when a later status of the same commit exists (`laterIds`): the status post `deliveryId`
   * is then recorded as superseded instead of sent, so a pending status retried after a rate
   * limit never arrives after the final one.
   */
  overtaken(deliveryId: string, laterIds: readonly string[]): Promise<boolean>
  /**
   * A queued trigger was folded into a newer one (a cooldown coalesced it, or `supersede`
   * replaced it): its commits get a last `pending` status that says so and links the newer
   * delivery. Never throws.
   */
  folded(deliveryId: string, into: string, mode: 'coalesced' | 'superseded'): Promise<void>
}

export interface StatusReporterOptions {
  queues: Pick<DeliveryQueues, 'forTarget'>
  log: DeliveryLog
  getRuleSet: () => RuleSet
  /** the dashboard's public base URL: a status without a build link links the delivery there; null: no link */
  publicUrl: string | null
  userAgent: string
  retentionMs: number
  logger: Logger
}

export function createStatusReporter(options: StatusReporterOptions): StatusReporter {
  const { queues, log, logger } = options

  const post = async (trigger: ReportedTrigger, report: CommitReport, phase: StatusPhase, status: StatusPost): Promise<void> => {
    const ruleSet = options.getRuleSet()
    const reporter = ruleSet.targets.get(report.target)
    if (!reporter?.preset.reporter) {
      logger.warn({ delivery: trigger.deliveryId, reporter: report.target }, 'commit status not posted: the reporter is no longer in the rules')
      return
    }
    const id = statusDeliveryId(trigger.deliveryId, reporter.name, phase)
    const existing = await log.getDelivery(id)
    if (existing && existing.status !== 'queued') {
      return // already posted (or given up on) by an earlier run of this step
    }
    const built = buildStatusRequest(reporter, report, status)
    const request = built.request && withStandardHeaders(built.request, id, options.userAgent)
    if (!existing) {
      const now = new Date().toISOString()
      const record: DeliveryRecord = {
        id,
        event: trigger.eventId,
        route: trigger.route,
        target: reporter.name,
        status: request ? 'queued' : 'failed',
        created_at: now,
        updated_at: now,
        rules_version: ruleSet.version,
        attempts_made: 0,
        max_attempts: reporter.retry.attempts,
        request,
        error: built.error,
        cooldown_key: null,
      }
      // stored before it is queued, as the producer does: a worker always finds the record
      await log.addDelivery(record)
    }
    if (request) {
      await queues.forTarget(reporter.name).add(
        DELIVER_JOB,
        {
          id,
          event: trigger.eventId,
          route: trigger.route,
          target: reporter.name,
          timeoutMs: reporter.timeoutMs,
          retry: reporter.retry,
          after: [statusDeliveryId(trigger.deliveryId, reporter.name, 'pending')],
        },
        { jobId: id, ...deliveryJobOptions(reporter.retry.attempts, options.retentionMs) }
      )
    }
  }

  return {
    async finished(trigger, outcome) {
      const phase: StatusPhase = outcome.delivered ? 'success' : outcome.status === null ? 'error' : 'failure'
      const status: StatusPost = {
        state: phase === 'success' ? 'success' : phase === 'failure' ? 'failure' : 'error',
        description: describeOutcome(trigger.target, outcome),
        targetUrl: (outcome.delivered ? outcome.build?.url : undefined) ?? dashboardLink(options.publicUrl, trigger.deliveryId),
      }
      for (const report of trigger.reports) {
        try {
          await post(trigger, report, phase, status)
        } catch (err) {
          logger.warn({ delivery: trigger.deliveryId, reporter: report.target, err: (err as Error).message }, 'commit status not queued')
        }
      }
    },

    async folded(deliveryId, into, mode) {
      try {
        const record = await log.getDelivery(deliveryId)
        if (!record?.report_to || record.report_to.length === 0) {
          return
        }
        const trigger: ReportedTrigger = { deliveryId, eventId: record.event, route: record.route, target: record.target, reports: record.report_to }
        const description =
          mode === 'coalesced' ? `Coalesced: a newer event's trigger of ${record.target} (${into}) covers this commit` : `Superseded by a newer event's trigger of ${record.target} (${into})`
        for (const report of record.report_to) {
          await post(trigger, report, 'coalesced', { state: 'pending', description, targetUrl: dashboardLink(options.publicUrl, into) })
        }
      } catch (err) {
        logger.warn({ delivery: deliveryId, err: (err as Error).message }, 'commit status not queued')
      }
    },

    async overtaken(deliveryId, laterIds) {
      for (const later of laterIds) {
        if (await log.getDelivery(later)) {
          await log.markSuperseded(deliveryId, later)
          return true
        }
      }
      return false
    },
  }
}

/** The status's words for how the trigger ended: the build it started, or why it did not go. */
function describeOutcome(target: string, outcome: TriggerOutcome): string {
  if (outcome.delivered) {
    const { number, id } = outcome.build ?? {}
    if (number !== undefined) return `Build #${number} started on ${target}`
    if (id !== undefined) return `Build ${id} started on ${target}`
    return `Triggered on ${target}`
  }
  const reason = outcome.reason ?? 'unknown reason'
  return outcome.status === null ? `${target} not reached: ${reason}` : `${target} refused the trigger: ${reason}`
}
