/**
 * What the rest of hookyard records, as plain functions: queue/ and http/ depend on this interface,
 * never on prom-client (create-metrics.ts is the only file importing it). Every dependency on a
 * recorder is optional, so call sites and tests that pass none keep working.
 */

/** How one inbound request ended (the ingress status codes of docs/flow-control.md). */
export type IngestOutcome =
  | 'accepted'
  | 'no_match'
  | 'duplicate'
  | 'ping'
  | 'unauthorized'
  | 'bad_request'
  | 'too_large'
  | 'unavailable'
  | 'unknown_source'
  /** the sender hung up or HTTP_REQUEST_TIMEOUT cut it off before its body arrived */
  | 'incomplete'
  | 'error'

/** A delivery's final state: delivered or failed by the worker, or coalesced by a cooldown. */
export type DeliveryOutcome = 'delivered' | 'failed' | 'coalesced' | 'superseded'

/** One attempt: `retry` means another attempt is scheduled. */
export type AttemptOutcome = 'delivered' | 'retry' | 'failed'

export type ReloadResult = 'ok' | 'error'

/** A schedule tick: stored by this process (`fired`), already stored by another (`duplicate`), skipped as a missed tick (`missed`), a manual run, or failed. */
export type ScheduleOutcome = 'fired' | 'duplicate' | 'missed' | 'manual' | 'error'

export interface MetricsRecorder {
  eventReceived(source: string, outcome: IngestOutcome): void
  deliveryFinished(target: string, outcome: DeliveryOutcome): void
  attemptObserved(target: string, outcome: AttemptOutcome, durationSeconds: number): void
  retryScheduled(target: string): void
  /** a queued delivery was superseded by a newer one for the same cooldown key */
  coalesced(target: string): void
  /** a waiting delivery was superseded by a newer one for its key (`supersede: true`) */
  superseded(target: string): void
  /** one attempt of a notification: delivered, retry (another follows) or failed (given up) */
  notificationSent(notify: string, outcome: AttemptOutcome): void
  scheduleFired(schedule: string, outcome: ScheduleOutcome): void
  /** `problems`: how many problems the failed reload had (0 for a good one) */
  rulesReloaded(result: ReloadResult, problems: number): void
}

/** Per target: paused (1/0) and deliveries in flight, read from Redis on each scrape. */
export type FlowStates = () => Promise<ReadonlyMap<string, { paused: boolean; inflight: number }>>

/** Job counts by state, as BullMQ's `queue.getJobCounts()` returns them. */
export type QueueCounts = () => Promise<Record<string, number>>
