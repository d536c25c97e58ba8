import type { RoutingResult } from '../routing/plan-deliveries.ts'
import type { InboundRequest } from '../sources/types.ts'

/** A webhook POSTed to /hooks/:source: verified against the source's secret. */
export interface WebhookTrigger {
  kind: 'webhook'
  source: string
  request: InboundRequest
}

/**
 * One tick of a schedule source. A tick is deduplicated across processes on `<name>@<fire time>`;
 * a manual run (`manual: true`, `<name>@manual-<time>`) never is.
 */
export interface ScheduleTrigger {
  kind: 'schedule'
  name: string
  fireTime: Date
  manual: boolean
}

/** A stored event routed again with the current rules, as a new event (`rerun_of` set). */
export interface RerunTrigger {
  kind: 'rerun'
  eventId: string
}

/** Whatever makes an event: every kind goes through the same verify, read, route and store steps. */
export type InboundTrigger = WebhookTrigger | ScheduleTrigger | RerunTrigger

/** What became of one trigger. */
export type IngestOutcome =
  /** a ping/test event: nothing routed, nothing stored */
  | { kind: 'ping'; eventId: string; event: string }
  /** the delivery id was claimed before: nothing stored, `eventId` is the original */
  | { kind: 'duplicate'; eventId: string }
  | { kind: 'stored'; eventId: string; plan: RoutingResult }

/** A re-run that could not start: the stored event is gone, or no longer fits the rules. */
export type RerunRefusal =
  | { kind: 'not_found'; message: string }
  | { kind: 'refused'; code: 'SOURCE_UNKNOWN' | 'BODY_INVALID'; message: string }

/**
 * The outcomes each kind can reach: a tick is never a ping, a re-run claims no delivery id (so is
 * never a duplicate) and is the only kind refused with an answer instead of an error.
 */
export interface OutcomeByKind {
  webhook: IngestOutcome
  schedule: Exclude<IngestOutcome, { kind: 'ping' }>
  rerun: Exclude<IngestOutcome, { kind: 'duplicate' }> | RerunRefusal
}
