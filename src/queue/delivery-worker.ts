import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job, type Queue } from 'bullmq'
import { classifyOutcome, type Verdict } from '../delivery/classify-outcome.ts'
import { computeBackoff } from '../delivery/compute-backoff.ts'
import { sendAttempt } from '../delivery/send-attempt.ts'
import type { DeliveryLog } from '../store/delivery-log.ts'
import { perRequestLogger, type Logger } from '../logger.ts'
import type { MetricsRecorder } from '../metrics/metrics-recorder.ts'
import { createRateLimitedLog } from '../rate-limited-log.ts'
import type { FlowControl } from '../rules/types.ts'
import { attemptDelivery, type AttemptDeps, type AttemptResultRecord } from './attempt-delivery.ts'
import type { CooldownStore } from '../store/cooldown-store.ts'
import {
  BACKOFF_TYPE,
  COOLDOWN_JOB,
  DELIVERY_QUEUE,
  NOTIFY_JOB,
  cooldownDedupId,
  type CooldownJobData,
  type DeliveryJobData,
  type NotifyJobData,
  type QueueJobData,
} from './delivery-job.ts'
import type { FlowStore } from '../store/flow-store.ts'
import type { Notifier } from './notifier.ts'
import type { ReportedTrigger, StatusReporter } from './status-reporter.ts'

const LOCK_MARGIN_MS = 5_000
/** How often a commit status waiting for an earlier one in flight looks again. */
const AFTER_POLL_MS = 200
/** A parked delivery looks again at least this often (a pause lifted by hand, a lost wake-up). */
const PARK_MAX_MS = 5_000

/** Thrown for a retryable attempt; carries the target's Retry-After into the backoff strategy. */
class RetryableDeliveryError extends Error {
  readonly retryAfterMs: number | null
  constructor(reason: string, retryAfterMs: number | null) {
    super(reason)
    this.name = 'RetryableDeliveryError'
    this.retryAfterMs = retryAfterMs
  }
}

export interface DeliveryWorkerOptions {
  connection: ConnectionOptions
  prefix: string
  log: DeliveryLog
  cooldowns: CooldownStore
  /** concurrency caps and circuit breakers */
  flow: FlowStore
  /** the current rules' flow-control settings of a target (undefined: no longer in the rules) */
  flowControl: (target: string) => FlowControl | undefined
  /** to wake parked deliveries (promote their delayed jobs) */
  queue: Queue<QueueJobData>
  notifier: Notifier
  logger: Logger
  concurrency: number
  /** the current rule set's secret values, for masking response excerpts */
  secretValues: () => readonly string[]
  /** longest target timeout: the job lock must outlive an attempt so no second worker sends it too */
  maxTimeoutMs: number
  /** attempt durations, outcomes and retries; absent: nothing recorded */
  metrics?: MetricsRecorder | undefined
  /** the current rules' send-time additions to a target's request (see AttemptDeps) */
  signRequest?: AttemptDeps['signRequest']
  /** the current rules' reader of the build a target's answer names (see AttemptDeps) */
  buildReader?: AttemptDeps['buildReader']
  /** posts commit statuses for routes with `report_to`; absent: none are posted */
  statusReporter?: StatusReporter | undefined
}

/** Which delivery an attempt is for, for flow control and alerts. */
interface Sending {
  target: string
  route: string
  deliveryId: string
}

export function createDeliveryWorker(options: DeliveryWorkerOptions): Worker<QueueJobData> {
  const { log, cooldowns, flow, logger, queue, notifier } = options
  const deps: AttemptDeps = {
    log,
    logger: perRequestLogger(logger, {}),
    secretValues: options.secretValues,
    metrics: options.metrics,
    signRequest: options.signRequest,
    buildReader: options.buildReader,
  }
  // The lock outlives the longest attempt even if no renewal gets through, so a slow target is never
  // sent twice at once; a crashed worker's jobs are picked up by another after about one lock period.
  // A concurrency slot is a lease of the same length, so a crashed worker's slot frees as its job does.
  const lockDuration = Math.max(5_000, options.maxTimeoutMs + LOCK_MARGIN_MS)

  const limitOf = (target: string): number => options.flowControl(target)?.concurrency ?? 0

  /** Wakes parked deliveries: a slot freed, so their delayed jobs may run now. */
  const promote = async (jobIds: readonly string[]): Promise<void> => {
    await Promise.all(
      jobIds.map(async (id) => {
        const job = await queue.getJob(id)
        await job?.promote().catch(() => undefined) // not delayed (any more): it is running or already woken
      })
    )
  }

  /**
   * Asks the target's breaker and concurrency cap whether this job may send now; if not, parks it:
   * it waits in the delayed set, holding no worker slot and using up no attempt.
   * A slot can free between the refusal and the park, after its releaser looked for waiters, so a
   * refused job asks once more once parked and wakes itself if it now fits.
   */
  const admit = async (job: Job<QueueJobData>, token: string | undefined, target: string, onRefused?: () => Promise<void>): Promise<{ probe: boolean }> => {
    const member = job.id ?? ''
    const limit = limitOf(target)
    const admission = await flow.admit(target, member, limit, lockDuration)
    if (admission.go) {
      return { probe: admission.probe }
    }
    await onRefused?.()
    logger.debug({ job: member, target, reason: admission.reason, wait_ms: admission.waitMs }, 'delivery waiting')
    await job.moveToDelayed(Date.now() + Math.max(10, Math.min(admission.waitMs, PARK_MAX_MS)), token)
    if (admission.reason === 'concurrency') {
      const again = await flow.admit(target, member, limit, lockDuration)
      if (again.go) {
        await job.promote().catch(() => undefined)
      }
    }
    throw new DelayedError()
  }

  /**
   * After an attempt: frees the slot, feeds the breaker, wakes waiters and raises alerts. Never
   * throws: a Redis blip here must not turn a sent attempt into a retry (a slot it could not free
   * runs out with its lease).
   */
  const settle = async (s: Sending, job: Job<QueueJobData>, probe: boolean, result: AttemptResultRecord | null, last: boolean): Promise<void> => {
    try {
      await settleFlow(s, job, probe, result, last)
    } catch (err) {
      logger.warn({ target: s.target, delivery: s.deliveryId, err: (err as Error).message }, 'flow control not updated after an attempt')
    }
  }

  const settleFlow = async (s: Sending, job: Job<QueueJobData>, probe: boolean, result: AttemptResultRecord | null, last: boolean): Promise<void> => {
    const fc = options.flowControl(s.target)
    const limit = fc?.concurrency ?? 0
    const member = job.id ?? ''
    if (result === null) {
      if (limit > 0 || probe) await promote(await flow.release(s.target, member, limit))
      return
    }
    const { verdict, record } = result
    if (limit > 0 || probe || fc?.circuit) {
      const retryAfterMs = verdict.decision === 'retry' ? (verdict.retryAfterMs ?? 0) : 0
      const after = await flow.finish(s.target, member, limit, fc?.circuit ?? null, { ok: verdict.decision === 'delivered', retryAfterMs })
      await promote(after.wake)
      await reportTransition(s.target, after.transition, after.pauseMs)
    }
    if (verdict.decision === 'give-up' || (verdict.decision === 'retry' && last)) {
      await notifier.notify({
        type: 'delivery_failed',
        target: s.target,
        route: s.route,
        delivery: s.deliveryId,
        status: record.status,
        excerpt: record.response_excerpt,
        message: `delivery ${s.deliveryId} of route ${s.route} to ${s.target} failed for good after ${record.attempt} attempt(s): ${verdict.reason}`,
      })
    }
  }

  const reportTransition = async (target: string, transition: 'paused' | 'probe_failed' | 'resumed' | null, pauseMs: number): Promise<void> => {
    if (transition === 'paused') {
      const until = new Date(Date.now() + pauseMs).toISOString()
      logger.warn({ target, pause_ms: pauseMs, until }, 'target paused: too many failed attempts in a row')
      await notifier.notify({ type: 'target_paused', target, until, message: `${target} failed too often in a row: paused for ${formatMs(pauseMs)}, then one probe delivery goes` })
    } else if (transition === 'probe_failed') {
      logger.warn({ target, pause_ms: pauseMs }, 'target probe failed: paused again')
    } else if (transition === 'resumed') {
      logger.info({ target }, 'target resumed: a probe delivery succeeded')
      await notifier.notify({ type: 'target_resumed', target, message: `${target} answered a probe delivery: deliveries resume` })
    }
  }

  /**
   * After a trigger's attempt: when no retry follows, its outcome goes to the commits it reports
   * to. Awaited only for queueing the status posts, which never throw: a status never fails or
   * delays the trigger's own retries.
   */
  const reportOutcome = async (trigger: Omit<ReportedTrigger, 'reports'>, reports: ReportedTrigger['reports'] | undefined, result: AttemptResultRecord, last: boolean): Promise<void> => {
    const { verdict, record } = result
    if (!options.statusReporter || !reports || reports.length === 0 || (verdict.decision === 'retry' && !last)) {
      return
    }
    await options.statusReporter.finished(
      { ...trigger, reports },
      { delivered: verdict.decision === 'delivered', reason: record.reason, status: record.status, build: result.build }
    )
  }

  const anyActive = async (jobIds: readonly string[]): Promise<boolean> => {
    for (const id of jobIds) {
      if ((await queue.getJobState(id)) === 'active') return true
    }
    return false
  }

  const deliver = async (job: Job<DeliveryJobData>, token: string | undefined, signal?: AbortSignal): Promise<void> => {
    const d = job.data
    // a commit status that a later status of the same commit overtook (while it waited for a retry) must not be sent
    if (d.obsoleteWhen && options.statusReporter && (await options.statusReporter.overtaken(d.id, d.obsoleteWhen))) {
      return
    }
    // ...and a later one waits until an earlier one in flight has arrived, so the host keeps the later
    if (d.after && (await anyActive(d.after))) {
      await job.moveToDelayed(Date.now() + AFTER_POLL_MS, token)
      throw new DelayedError()
    }
    const request = d.request ?? (await log.getRequest(d.id))
    if (!request) {
      // the record is gone (retention, or deleted by hand): nothing is left to send
      throw new UnrecoverableError(`delivery ${d.id} is no longer stored`)
    }
    const { probe } = await admit(job, token, d.target)
    const attempt = job.attemptsMade + 1
    const last = attempt >= (job.opts.attempts ?? 1)
    const s: Sending = { target: d.target, route: d.route, deliveryId: d.id }
    let result: AttemptResultRecord | null = null
    try {
      result = await attemptDelivery(
        deps,
        { deliveryId: d.id, eventId: d.event, route: d.route, target: d.target, request, timeoutMs: d.timeoutMs, attempt, last },
        signal
      )
    } finally {
      await settle(s, job, probe, result, last)
    }
    await reportOutcome({ deliveryId: d.id, eventId: d.event, route: d.route, target: d.target }, d.reports, result, last)
    throwForVerdict(result.verdict)
  }

  const deliverLatest = async (job: Job<CooldownJobData>, token: string | undefined, signal?: AbortSignal): Promise<void> => {
    const d = job.data
    const owner = job.id ?? d.keyHash
    // The gate is this key's window. Without a window (supersede alone) it is held for a lock
    // period while a delivery of the key is sent, so a retry of an older wake-up job cannot send
    // the same latest delivery at the same time.
    // A cooling key waits in the delayed set: it holds no concurrency slot and burns no attempt.
    if (!(await cooldowns.claimGate(d.keyHash, owner, d.cooldownMs > 0 ? d.cooldownMs : lockDuration))) {
      const ttl = await cooldowns.gateTtl(d.keyHash)
      await job.moveToDelayed(Date.now() + Math.max(ttl, 10), token)
      throw new DelayedError()
    }
    const { probe } = await admit(job, token, d.target, () => cooldowns.releaseGate(d.keyHash, owner))
    // release the wake-up slot before reading state: any event from now on gets a job of its own
    await job.removeDeduplicationKey()
    const fold = d.supersede ? 'superseded' : 'coalesced'
    const taken = await cooldowns.take(d.keyHash, fold)
    const record = taken && (await log.getDelivery(taken.deliveryId))
    if (!taken || !record?.request) {
      await cooldowns.releaseGate(d.keyHash, owner)
      await settle({ target: d.target, route: '', deliveryId: '' }, job, probe, null, false)
      return
    }
    const attempt = (await log.listAttempts(record.id)).length + 1
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1)
    let result: AttemptResultRecord | null = null
    try {
      result = await attemptDelivery(
        deps,
        { deliveryId: record.id, eventId: record.event, route: record.route, target: record.target, request: record.request, timeoutMs: d.timeoutMs, attempt, last },
        signal
      )
    } finally {
      await settle({ target: d.target, route: record.route, deliveryId: record.id }, job, probe, result, last)
    }
    const { verdict } = result
    // the window runs from when the target saw the request, not from when the gate was claimed;
    // a Retry-After from the target extends this key's window only
    const retryAfterMs = verdict.decision === 'retry' ? (verdict.retryAfterMs ?? 0) : 0
    const windowMs = Math.max(d.cooldownMs, retryAfterMs)
    await cooldowns.settleGate(d.keyHash, owner, windowMs)
    if (verdict.decision !== 'retry' || last) {
      await cooldowns.markSent(d.keyHash, taken.seq)
    }
    if (windowMs <= 0) {
      // no window to wait for: a wake-up queued while this was sent (delayed by the gate) may go now
      const next = await queue.getDeduplicationJobId(cooldownDedupId(d.keyHash))
      if (next) await promote([next])
    }
    await reportOutcome({ deliveryId: record.id, eventId: record.event, route: record.route, target: record.target }, record.report_to, result, last)
    throwForVerdict(verdict)
  }

  /** A notification: sent with its own retries; its failure is logged and counted, never notified. */
  const sendNotification = async (job: Job<NotifyJobData>, signal?: AbortSignal): Promise<void> => {
    const d = job.data
    const attempt = job.attemptsMade + 1
    const sent = await sendAttempt(d.request, d.timeoutMs, signal)
    const verdict = classifyOutcome(sent.result, Date.now())
    const last = attempt >= (job.opts.attempts ?? 1)
    const outcome = verdict.decision === 'delivered' ? 'delivered' : verdict.decision === 'retry' && !last ? 'retry' : 'failed'
    options.metrics?.notificationSent(d.notify, outcome)
    const line = { notify: d.notify, type: d.type, attempt, status: sent.result.kind === 'response' ? sent.result.status : null, outcome }
    if (outcome === 'delivered') logger.info(line, 'notification sent')
    else logger.warn({ ...line, reason: verdict.decision === 'delivered' ? null : verdict.reason }, 'notification attempt failed')
    throwForVerdict(verdict)
  }

  const worker = new Worker<QueueJobData>(
    DELIVERY_QUEUE,
    async (job, token, signal) =>
      job.name === COOLDOWN_JOB
        ? deliverLatest(job as Job<CooldownJobData>, token, signal)
        : job.name === NOTIFY_JOB
          ? sendNotification(job as Job<NotifyJobData>, signal)
          : deliver(job as Job<DeliveryJobData>, token, signal),
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      lockDuration,
      stalledInterval: lockDuration,
      maxStalledCount: 3,
      settings: {
        backoffStrategy: (attemptsMade, type, err, job) => {
          const data = job?.data as QueueJobData | undefined
          if (type !== BACKOFF_TYPE || !data) {
            return 1000
          }
          const retryAfterMs = err instanceof RetryableDeliveryError ? err.retryAfterMs : null
          return computeBackoff(attemptsMade, data.retry, retryAfterMs)
        },
      },
    }
  )
  // during a Redis outage BullMQ reports every failed reconnect and poll: counted, not written
  const errors = createRateLimitedLog({ logger, level: 'error', message: 'worker error' })
  worker.on('error', (err) => errors.failed({ err }))
  return worker
}

function throwForVerdict(verdict: Verdict): void {
  if (verdict.decision === 'retry') {
    throw new RetryableDeliveryError(verdict.reason, verdict.retryAfterMs)
  }
  if (verdict.decision === 'give-up') {
    throw new UnrecoverableError(verdict.reason)
  }
}

function formatMs(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 100) / 10} s`
}
