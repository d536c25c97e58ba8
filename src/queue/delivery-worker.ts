import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq'
import type { Verdict } from '../delivery/classify-outcome.ts'
import { computeBackoff } from '../delivery/compute-backoff.ts'
import type { DeliveryLog } from '../delivery-log/delivery-log.ts'
import { perRequestLogger, type Logger } from '../logger.ts'
import type { MetricsRecorder } from '../metrics/metrics-recorder.ts'
import { attemptDelivery, type AttemptDeps } from './attempt-delivery.ts'
import type { CooldownStore } from './cooldown-store.ts'
import {
  BACKOFF_TYPE,
  COOLDOWN_JOB,
  DELIVERY_QUEUE,
  type CooldownJobData,
  type DeliveryJobData,
  type QueueJobData,
} from './delivery-job.ts'

const LOCK_MARGIN_MS = 5_000

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
  logger: Logger
  concurrency: number
  /** the current rule set's secret values, for masking response excerpts */
  secretValues: () => readonly string[]
  /** longest target timeout: the job lock must outlive an attempt so no second worker sends it too */
  maxTimeoutMs: number
  /** attempt durations, outcomes and retries; absent: nothing recorded */
  metrics?: MetricsRecorder | undefined
}

export function createDeliveryWorker(options: DeliveryWorkerOptions): Worker<QueueJobData> {
  const { log, cooldowns, logger } = options
  const deps: AttemptDeps = { log, logger: perRequestLogger(logger, {}), secretValues: options.secretValues, metrics: options.metrics }

  const deliver = async (job: Job<DeliveryJobData>, signal?: AbortSignal): Promise<void> => {
    const d = job.data
    const attempt = job.attemptsMade + 1
    const verdict = await attemptDelivery(
      deps,
      { deliveryId: d.id, eventId: d.event, route: d.route, target: d.target, request: d.request, timeoutMs: d.timeoutMs, attempt, last: attempt >= (job.opts.attempts ?? 1) },
      signal
    )
    throwForVerdict(verdict)
  }

  const deliverLatest = async (job: Job<CooldownJobData>, token: string | undefined, signal?: AbortSignal): Promise<void> => {
    const d = job.data
    const owner = job.id ?? d.keyHash
    // a cooling key waits in the delayed set: it holds no concurrency slot and burns no attempt
    if (!(await cooldowns.claimGate(d.keyHash, owner, d.cooldownMs))) {
      const ttl = await cooldowns.gateTtl(d.keyHash)
      await job.moveToDelayed(Date.now() + Math.max(ttl, 10), token)
      throw new DelayedError()
    }
    // release the wake-up slot before reading state: any event from now on gets a job of its own
    await job.removeDeduplicationKey()
    const taken = await cooldowns.take(d.keyHash)
    const record = taken && (await log.getDelivery(taken.deliveryId))
    if (!taken || !record?.request) {
      await cooldowns.releaseGate(d.keyHash, owner)
      return
    }
    const attempt = (await log.listAttempts(record.id)).length + 1
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1)
    const verdict = await attemptDelivery(
      deps,
      { deliveryId: record.id, eventId: record.event, route: record.route, target: record.target, request: record.request, timeoutMs: d.timeoutMs, attempt, last },
      signal
    )
    // the window runs from when the target saw the request, not from when the gate was claimed;
    // a Retry-After from the target extends this key's window only
    const retryAfterMs = verdict.decision === 'retry' ? (verdict.retryAfterMs ?? 0) : 0
    await cooldowns.extendGate(d.keyHash, owner, Math.max(d.cooldownMs, retryAfterMs))
    if (verdict.decision !== 'retry' || last) {
      await cooldowns.markSent(d.keyHash, taken.seq)
    }
    throwForVerdict(verdict)
  }

  // The lock outlives the longest attempt even if no renewal gets through, so a slow target is never
  // sent twice at once; a crashed worker's jobs are picked up by another after about one lock period.
  const lockDuration = Math.max(5_000, options.maxTimeoutMs + LOCK_MARGIN_MS)
  const worker = new Worker<QueueJobData>(
    DELIVERY_QUEUE,
    async (job, token, signal) =>
      job.name === COOLDOWN_JOB
        ? deliverLatest(job as Job<CooldownJobData>, token, signal)
        : deliver(job as Job<DeliveryJobData>, signal),
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
  worker.on('error', (err) => logger.error({ err }, 'worker error'))
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
