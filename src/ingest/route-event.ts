import type { EventRecord, NewEventRecord, RequestMeta } from '../store/records.ts'
import type { Envelope } from '../envelope.ts'
import { HookyardError } from '../errors.ts'
import { planDeliveries, type RoutingResult } from '../routing/plan-deliveries.ts'
import type { RuleSet, SourceDefinition } from '../rules/types.ts'
import { buildEnvelopes } from '../sources/build-envelopes.ts'
import { sourceTypes } from '../sources/index.ts'
import type { InboundRequest, ParsedEvent, SourceType } from '../sources/types.ts'

export interface ResolvedSource {
  source: SourceDefinition
  sourceType: SourceType
}

/** The source a trigger names, with its type; null when the rules have no such source. */
export function findSource(ruleSet: RuleSet, sourceName: string): ResolvedSource | null {
  const source = ruleSet.sources.get(sourceName)
  const sourceType = source && sourceTypes.get(source.type)
  return source && sourceType ? { source, sourceType } : null
}

/** @throws HookyardError SOURCE_UNKNOWN (`detail` is appended to the message) */
export function requireSource(ruleSet: RuleSet, sourceName: string, detail = ''): ResolvedSource {
  const found = findSource(ruleSet, sourceName)
  if (!found) {
    throw new HookyardError('SOURCE_UNKNOWN', `no source named ${JSON.stringify(sourceName)}${detail}`)
  }
  return found
}

/** The stored inbound request as a source type reads it (signatures are not checked again). */
export function storedInboundRequest(event: EventRecord): InboundRequest {
  return {
    method: event.request.method,
    headers: event.request.headers,
    query: event.request.query,
    rawBody: Buffer.from(event.request.body_base64, 'base64'),
  }
}

/** A parsed inbound request and the envelopes it yields: what `when`, `map` and `cooldown_key` see. */
export interface ReadEvent {
  parsed: ParsedEvent
  envelopes: Envelope[]
}

/**
 * Parses a request as its source type does and builds its envelopes. No signature check: the
 * caller verifies live requests first; stored ones were verified when received.
 * @throws BodyError when the body does not parse
 */
export function readEvent({ source, sourceType }: ResolvedSource, req: InboundRequest, receivedAt: Date): ReadEvent {
  const parsed = sourceType.parse(req, source)
  return { parsed, envelopes: buildEnvelopes(source, req, parsed, receivedAt) }
}

export interface RouteEventOptions {
  eventId: string
  ruleSet: RuleSet
  envelopes: readonly Envelope[]
  userAgent: string
  /** HOOKYARD_PUBLIC_URL, for the dashboard links of commit statuses */
  publicUrl?: string | null | undefined
}

/** Runs the routes over the envelopes: the deliveries to store (pure, no I/O). */
export function routeEvent(o: RouteEventOptions): Promise<RoutingResult> {
  return planDeliveries({ eventId: o.eventId, envelopes: o.envelopes, ruleSet: o.ruleSet, userAgent: o.userAgent, publicUrl: o.publicUrl })
}

export interface EventRecordOptions {
  eventId: string
  source: SourceDefinition
  event: string
  envelopes: readonly Envelope[]
  plan: RoutingResult
  receivedAt: Date
  ruleSet: RuleSet
  /** the inbound request as it is kept with the event */
  stored: RequestMeta
  /** the event this one re-runs; null: a new inbound event */
  rerunOf: string | null
}

/** The event record the store keeps for a routed event. */
export function eventRecord(o: EventRecordOptions): NewEventRecord {
  return {
    id: o.eventId,
    source: o.source.name,
    type: o.source.type,
    event: o.event,
    delivery: o.envelopes[0]?.delivery ?? o.eventId,
    received_at: o.receivedAt.toISOString(),
    rules_version: o.ruleSet.version,
    routes: o.plan.routes,
    deliveries: o.plan.deliveries.map((d) => d.id),
    state: 'accepted', // the producer stores the event and its deliveries in one atomic step
    request: o.stored,
    ...(o.rerunOf === null ? {} : { rerun_of: o.rerunOf }),
  }
}
