import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq'
import { classifyOutcome, type Verdict } from '../delivery/classify-outcome.ts'
import { computeBackoff } from '../delivery/compute-backoff.ts'
import { maskSecrets } from '../delivery/mask-secrets.ts'
import { sendAttempt } from '../delivery/send-attempt.ts'
import type { DeliveryLog } from '../delivery-log/delivery-log.ts'
import type { AttemptRecord } from '../delivery-log/records.ts'
import type { Logger } from '../logger.ts'
import { BACKOFF_TYPE, DELIVERY_QUEUE, type DeliveryJobData } from './delivery-job.ts'

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
  logger: Logger
  concurrency: number
  /** the current rule set's secret values, for masking response excerpts */
  secretValues: () => readonly string[]
  /** longest target timeout: the job lock must outlive an attempt so no second worker sends it too */
  maxTimeoutMs: number
}

export function createDeliveryWorker(options: DeliveryWorkerOptions): Worker<DeliveryJobData> {
  const { log, logger } = options
  const processor = async (job: Job<DeliveryJobData>, _token?: string, signal?: AbortSignal): Promise<void> => {
    const data = job.data
    const attempt = job.attemptsMade + 1
    const maxAttempts = job.opts.attempts ?? 1
    const sent = await sendAttempt(data.request, data.timeoutMs, signal)
    const verdict = classifyOutcome(sent.result, Date.now())
    const final = verdict.decision !== 'retry' || attempt >= maxAttempts
    const record: AttemptRecord = {
      attempt,
      at: new Date().toISOString(),
      duration_ms: sent.durationMs,
      status: sent.result.kind === 'response' ? sent.result.status : null,
      outcome: verdict.decision === 'delivered' ? 'delivered' : final ? 'failed' : 'retry',
      reason: verdict.decision === 'delivered' ? null : verdict.reason,
      response_headers: sent.result.kind === 'response' ? sent.result.headers : {},
      response_excerpt: maskSecrets(sent.excerpt, options.secretValues()),
    }
    const status = record.outcome === 'delivered' ? 'delivered' : record.outcome === 'failed' ? 'failed' : 'retrying'
    await log.recordAttempt(data.id, record, status, verdict.decision === 'delivered' ? null : verdict.reason)
    logger.info(
      {
        event: data.event,
        delivery: data.id,
        route: data.route,
        target: data.target,
        attempt,
        status: record.status,
        duration_ms: record.duration_ms,
        outcome: record.outcome,
        reason: record.reason,
      },
      'delivery attempt'
    )
    throwForVerdict(verdict)
  }

  const worker = new Worker<DeliveryJobData>(DELIVERY_QUEUE, processor, {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency,
    lockDuration: Math.max(30_000, options.maxTimeoutMs * 2 + 5_000),
    settings: {
      backoffStrategy: (attemptsMade, type, err, job) => {
        const data = job?.data as DeliveryJobData | undefined
        if (type !== BACKOFF_TYPE || !data) {
          return 1000
        }
        const retryAfterMs = err instanceof RetryableDeliveryError ? err.retryAfterMs : null
        return computeBackoff(attemptsMade, data.retry, retryAfterMs)
      },
    },
  })
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
