import { classifyOutcome, type Verdict } from '../delivery/classify-outcome.ts'
import { maskSecrets } from '../secret-masking.ts'
import { sendAttempt } from '../delivery/send-attempt.ts'
import type { DeliveryLog } from '../delivery-log/delivery-log.ts'
import type { AttemptRecord } from '../delivery-log/records.ts'
import type { Logger } from '../logger.ts'
import type { MetricsRecorder } from '../metrics/metrics-recorder.ts'
import type { OutboundRequest } from '../targets/types.ts'

export interface AttemptContext {
  deliveryId: string
  eventId: string
  route: string
  target: string
  request: OutboundRequest
  timeoutMs: number
  /** 1-based number of this attempt of the delivery */
  attempt: number
  /** no retry follows a failure of this attempt */
  last: boolean
}

export interface AttemptDeps {
  log: DeliveryLog
  logger: Logger
  secretValues: () => readonly string[]
  metrics?: MetricsRecorder | undefined
  /** adds what the target makes at send time (a signature over a fresh timestamp); absent: sent as stored */
  signRequest?: ((target: string, request: OutboundRequest, deliveryId: string) => OutboundRequest) | undefined
}

export interface AttemptResultRecord {
  verdict: Verdict
  /** what was stored (secrets masked) */
  record: AttemptRecord
}

/** Sends one attempt, records it (status, duration, headers, bounded excerpt) and logs one line. */
export async function attemptDelivery(deps: AttemptDeps, ctx: AttemptContext, signal?: AbortSignal): Promise<AttemptResultRecord> {
  deps.logger.debug({ event: ctx.eventId, delivery: ctx.deliveryId, target: ctx.target, attempt: ctx.attempt }, 'delivery attempt started')
  const request = deps.signRequest ? deps.signRequest(ctx.target, ctx.request, ctx.deliveryId) : ctx.request
  const sent = await sendAttempt(request, ctx.timeoutMs, signal)
  const verdict = classifyOutcome(sent.result, Date.now())
  const outcome = verdict.decision === 'delivered' ? 'delivered' : verdict.decision === 'retry' && !ctx.last ? 'retry' : 'failed'
  const record: AttemptRecord = {
    attempt: ctx.attempt,
    at: new Date().toISOString(),
    duration_ms: sent.durationMs,
    status: sent.result.kind === 'response' ? sent.result.status : null,
    outcome,
    reason: verdict.decision === 'delivered' ? null : verdict.reason,
    response_headers: sent.result.kind === 'response' ? maskHeaderValues(sent.result.headers, deps.secretValues()) : {},
    response_excerpt: maskSecrets(sent.excerpt, deps.secretValues()),
  }
  observe(deps.metrics, ctx.target, outcome, sent.durationMs)
  const status = outcome === 'retry' ? 'retrying' : outcome
  await deps.log.recordAttempt(ctx.deliveryId, record, status, record.reason)
  // a delivery that failed for good needs someone's attention; attempts that will be retried do not
  deps.logger[outcome === 'failed' ? 'warn' : 'info'](
    {
      event: ctx.eventId,
      delivery: ctx.deliveryId,
      route: ctx.route,
      target: ctx.target,
      attempt: ctx.attempt,
      status: record.status,
      duration_ms: record.duration_ms,
      outcome,
      reason: record.reason,
    },
    'delivery attempt'
  )
  return { verdict, record }
}

/** `retry` here means BullMQ runs the job again (attempts remain), so it is a scheduled retry. */
function observe(metrics: MetricsRecorder | undefined, target: string, outcome: 'delivered' | 'retry' | 'failed', durationMs: number): void {
  if (!metrics) return
  metrics.attemptObserved(target, outcome, durationMs / 1000)
  if (outcome === 'retry') {
    metrics.retryScheduled(target)
  } else {
    metrics.deliveryFinished(target, outcome)
  }
}

/** A target may echo a token back in a header; stored attempts never keep a secret. */
function maskHeaderValues(headers: Record<string, string>, secretValues: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, maskSecrets(value, secretValues)]))
}
