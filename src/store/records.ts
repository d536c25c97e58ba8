import type { RouteOutcome } from '../routing/plan-deliveries.ts'
import type { BuildReference } from '../targets/build-reference.ts'
import type { CommitReport } from '../targets/commit-status.ts'
import type { OutboundRequest } from '../targets/types.ts'

/**
 * `coalesced`: a newer event for the same cooldown key superseded it before it was sent;
 * `superseded`: the same on a target with `supersede: true` (a newer delivery for its key was queued)
 */
export type DeliveryStatus = 'queued' | 'retrying' | 'delivered' | 'failed' | 'coalesced' | 'superseded'

/** What is kept of one inbound event. */
export interface EventRecord {
  id: string
  source: string
  type: string
  event: string
  /** the sender's delivery id (or the body hash used for dedup) */
  delivery: string
  received_at: string
  rules_version: string
  routes: RouteOutcome[]
  deliveries: string[]
  /** always `accepted`: the event, its deliveries and their jobs are stored in one atomic step */
  state: 'accepted'
  /** the inbound request as received (shared tokens masked), stored once: re-runs start from it */
  request: StoredRequest
  /** set on an event created by re-running another against the current rules */
  rerun_of?: string
}

/** An event as ingress hands it to the store: the body travels beside it as raw bytes. */
export type NewEventRecord = Omit<EventRecord, 'request'> & { request: RequestMeta }

/** The inbound request without its body. */
export type RequestMeta = Omit<StoredRequest, 'body_base64'>

export interface StoredRequest {
  method: string
  headers: Record<string, string>
  query: Record<string, string>
  /** the raw body bytes, base64 */
  body_base64: string
}

export interface DeliveryRecord {
  id: string
  event: string
  route: string
  target: string
  status: DeliveryStatus
  created_at: string
  updated_at: string
  rules_version: string
  attempts_made: number
  max_attempts: number
  /** the exact request every attempt sends (null when the mapping failed) */
  request: OutboundRequest | null
  error: string | null
  /** the cooldown key this delivery coalesces under (null: no cooldown) */
  cooldown_key: string | null
  /** the delivery this one was folded into, when coalesced */
  coalesced_into?: string
  /** the newer delivery that replaced this one, when superseded */
  superseded_by?: string
  /** the event's source name (older records lack it: read it from the event) */
  source?: string
  /** set on a delivery created by replaying another as stored */
  replay_of?: string
  /** how many replays were made of this delivery (a counter, HINCRBY) */
  replays?: number
  /** the commits whose status this delivery's outcome is posted to (a route's `report_to`) */
  report_to?: CommitReport[]
  /** the build the target said it started, read from the answer of the delivered attempt */
  build?: BuildReference
}

export interface AttemptRecord {
  attempt: number
  at: string
  duration_ms: number
  /** HTTP status, or null without a response (timeout, network error) */
  status: number | null
  outcome: 'delivered' | 'retry' | 'failed'
  reason: string | null
  response_headers: Record<string, string>
  /** bounded response body excerpt */
  response_excerpt: string
}
