import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { FlowStates, MetricsRecorder, QueueCounts } from './metrics-recorder.ts'

export interface MetricsOptions {
  /** read on every scrape for `hookyard_queue_jobs`; absent: the gauge stays empty */
  queueCounts?: QueueCounts
  /** read on every scrape for `hookyard_target_paused` and `hookyard_inflight`; absent: both stay empty */
  flowStates?: FlowStates
  /** Node process metrics (CPU, memory, event loop lag); default true */
  processMetrics?: boolean
}

export interface Metrics extends MetricsRecorder {
  /** this instance's own registry: several hookyards in one process (tests) never share series */
  registry: Registry
  /** the Prometheus text exposition and its content type */
  render(): Promise<{ contentType: string; body: string }>
}

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const

/** Attempts range from a fast 2xx (milliseconds) to a target timing out (default timeout 10 s, up to minutes). */
const ATTEMPT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

/** One Prometheus registry per hookyard instance, with typed recorders over it. */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry()
  const registers = [registry]
  if (options.processMetrics ?? true) {
    collectDefaultMetrics({ register: registry })
  }

  const events = new Counter({
    name: 'hookyard_events_received_total',
    help: 'Inbound webhook requests by source and outcome (accepted, no_match, duplicate, ping, unauthorized, bad_request, too_large, unavailable, unknown_source, incomplete, error).',
    labelNames: ['source', 'outcome'] as const,
    registers,
  })
  const deliveries = new Counter({
    name: 'hookyard_deliveries_total',
    help: 'Deliveries that reached a final state, by target and outcome (delivered, failed, coalesced, superseded).',
    labelNames: ['target', 'outcome'] as const,
    registers,
  })
  const attempts = new Histogram({
    name: 'hookyard_attempt_duration_seconds',
    help: 'Duration of one HTTP attempt of a delivery, by target and outcome (delivered, retry, failed).',
    labelNames: ['target', 'outcome'] as const,
    buckets: ATTEMPT_BUCKETS,
    registers,
  })
  const retries = new Counter({
    name: 'hookyard_retries_total',
    help: 'Retries scheduled after a retryable attempt (network error, timeout, 408, 425, 429, 5xx), by target.',
    labelNames: ['target'] as const,
    registers,
  })
  const coalesced = new Counter({
    name: 'hookyard_coalesced_total',
    help: 'Queued deliveries superseded by a newer event during a cooldown window, by target.',
    labelNames: ['target'] as const,
    registers,
  })
  const superseded = new Counter({
    name: 'hookyard_superseded_total',
    help: 'Waiting deliveries superseded by a newer one for the same key (supersede: true), by target.',
    labelNames: ['target'] as const,
    registers,
  })
  const notifications = new Counter({
    name: 'hookyard_notifications_total',
    help: 'Notification attempts by notify entry and outcome (delivered, retry, failed).',
    labelNames: ['notify', 'outcome'] as const,
    registers,
  })
  // one read of Redis per scrape feeds both per-target gauges: prom-client starts every collect of
  // a scrape at once, so they share the read in flight (Redis unreachable: no series)
  const flowStates = options.flowStates
  let flowRead: Promise<Awaited<ReturnType<FlowStates>> | null> | null = null
  const readFlow = () => {
    if (!flowStates) return Promise.resolve(null)
    flowRead ??= flowStates()
      .catch(() => null)
      .finally(() => (flowRead = null))
    return flowRead
  }
  new Gauge({
    name: 'hookyard_target_paused',
    help: 'Targets paused by their circuit breaker or by hand (1) or not (0), read from Redis on each scrape.',
    labelNames: ['target'] as const,
    registers,
    async collect() {
      this.reset()
      const states = await readFlow()
      for (const [target, state] of states ?? []) this.set({ target }, state.paused ? 1 : 0)
    },
  })
  new Gauge({
    name: 'hookyard_inflight',
    help: 'Deliveries being sent to a target with a concurrency cap, across every worker, read from Redis on each scrape.',
    labelNames: ['target'] as const,
    registers,
    async collect() {
      this.reset()
      const states = await readFlow()
      for (const [target, state] of states ?? []) this.set({ target }, state.inflight)
    },
  })
  const scheduleFires = new Counter({
    name: 'hookyard_schedule_fires_total',
    help: 'Schedule ticks and manual runs, by schedule and outcome (fired, manual, duplicate: another process fired it, missed: skipped by misfire, error).',
    labelNames: ['schedule', 'outcome'] as const,
    registers,
  })
  const reloads = new Counter({
    name: 'hookyard_rule_reloads_total',
    help: 'Rule set reloads (file change or SIGHUP) by result (ok, error); an error keeps the previous rules serving.',
    labelNames: ['result'] as const,
    registers,
  })
  // both series exist from the start, so `increase()` sees the first error
  reloads.inc({ result: 'ok' }, 0)
  reloads.inc({ result: 'error' }, 0)
  const ruleErrors = new Gauge({
    name: 'hookyard_rule_errors',
    help: 'Problems found by the last rule reload (0 after a good one).',
    registers,
  })
  ruleErrors.set(0)

  const queueCounts = options.queueCounts
  new Gauge({
    name: 'hookyard_queue_jobs',
    help: 'Delivery queue jobs by state, read from Redis on each scrape.',
    labelNames: ['state'] as const,
    registers,
    async collect() {
      if (!queueCounts) return
      try {
        const counts = await queueCounts()
        for (const state of QUEUE_STATES) {
          this.set({ state }, counts[state] ?? 0)
        }
      } catch {
        // Redis unreachable: report no queue series rather than stale numbers (readyz says why)
        this.reset()
      }
    },
  })

  return {
    registry,
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() }
    },
    eventReceived: (source, outcome) => events.inc({ source, outcome }),
    deliveryFinished: (target, outcome) => deliveries.inc({ target, outcome }),
    attemptObserved: (target, outcome, seconds) => attempts.observe({ target, outcome }, seconds),
    retryScheduled: (target) => retries.inc({ target }),
    coalesced(target) {
      coalesced.inc({ target })
      deliveries.inc({ target, outcome: 'coalesced' })
    },
    superseded(target) {
      superseded.inc({ target })
      deliveries.inc({ target, outcome: 'superseded' })
    },
    notificationSent: (notify, outcome) => notifications.inc({ notify, outcome }),
    scheduleFired: (schedule, outcome) => scheduleFires.inc({ schedule, outcome }),
    rulesReloaded(result, problems) {
      reloads.inc({ result })
      ruleErrors.set(result === 'ok' ? 0 : problems)
    },
  }
}
