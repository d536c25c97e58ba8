import { classifyOutcome, type Verdict } from '../delivery/classify-outcome.ts'
import { maskDeep, maskSecrets } from '../secret-masking.ts'
import { sendAttempt } from '../delivery/send-attempt.ts'
import type { DeliveryLog } from '../store/delivery-log.ts'
import type { AttemptRecord } from '../store/records.ts'
import type { Logger } from '../logger.ts'
import type { MetricsRecorder } from '../metrics/metrics-recorder.ts'
import type { BuildReference, TargetResponse } from '../targets/build-reference.ts'
import type { OutboundRequest } from '../targets/types.ts'

/**
 * How much of a successful answer a build reference may be read from: a CI system's answer
 * carries the whole build (a Buildkite build lists its pipeline and jobs), well past the excerpt.
 */
const BUILD_ANSWER_BYTES = 64 * 1024

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
  /** the target's reader of the build its answer names (undefined: the target's answers name none) */
  buildReader?: ((target: string) => ((response: TargetResponse) => BuildReference | undefined) | undefined) | undefined
}

export interface AttemptResultRecord {
  verdict: Verdict
  /** what was stored (secrets masked) */
  record: AttemptRecord
  /** the build the target said it started, when the attempt was delivered and the answer named one (secrets masked) */
  build?: BuildReference
}

/**
 * Sends one attempt, records it (status, duration, headers, bounded excerpt, and on success the
 * build the target started) and logs one line.
 */
export async function attemptDelivery(deps: AttemptDeps, ctx: AttemptContext, signal?: AbortSignal): Promise<AttemptResultRecord> {
  deps.logger.debug({ event: ctx.eventId, delivery: ctx.deliveryId, target: ctx.target, attempt: ctx.attempt }, 'delivery attempt started')
  const request = deps.signRequest ? deps.signRequest(ctx.target, ctx.request, ctx.deliveryId) : ctx.request
  const readBuild = deps.buildReader?.(ctx.target)
  const sent = await sendAttempt(request, ctx.timeoutMs, signal, readBuild ? BUILD_ANSWER_BYTES : undefined)
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
  const build =
    outcome === 'delivered' && readBuild && sent.result.kind === 'response'
      ? readBuildSafely(readBuild, { status: sent.result.status, headers: sent.result.headers, body: sent.body }, deps.secretValues())
      : undefined
  observe(deps.metrics, ctx.target, outcome, sent.durationMs)
  const status = outcome === 'retry' ? 'retrying' : outcome
  await deps.log.recordAttempt(ctx.deliveryId, record, status, record.reason, build)
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
      ...(build ? { build } : {}),
    },
    'delivery attempt'
  )
  return { verdict, record, ...(build ? { build } : {}) }
}

/**
 * The build named in a delivered attempt's answer. Readers are pure and documented never to
 * throw; a bug in one must still not turn a delivered attempt into a retry that triggers twice.
 */
function readBuildSafely(read: (response: TargetResponse) => BuildReference | undefined, response: TargetResponse, secretValues: readonly string[]): BuildReference | undefined {
  let build: BuildReference | undefined
  try {
    build = read(response)
  } catch {
    return undefined
  }
  // a target may echo a token in a link; stored records never keep a secret
  return build && (maskDeep(build, secretValues) as BuildReference)
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
