import type { NewEventRecord, RequestMeta } from '../delivery-log/records.ts'
import { planDeliveries, type RoutingResult } from '../routing/plan-deliveries.ts'
import type { RuleSet, SourceDefinition } from '../rules/types.ts'
import { buildEnvelopes } from '../sources/build-envelopes.ts'
import type { InboundRequest, ParsedEvent } from '../sources/types.ts'

export interface RoutedEvent {
  record: NewEventRecord
  plan: RoutingResult
}

export interface RouteInboundOptions {
  eventId: string
  source: SourceDefinition
  req: InboundRequest
  parsed: ParsedEvent
  receivedAt: Date
  ruleSet: RuleSet
  userAgent: string
  /** the inbound request as it is kept with the event */
  stored: RequestMeta
}

/** Normalizes a parsed request, runs the routes and builds the event record: shared by ingress and re-runs. */
export async function routeInbound(o: RouteInboundOptions): Promise<RoutedEvent> {
  const envelopes = buildEnvelopes(o.source, o.req, o.parsed, o.receivedAt)
  const plan = await planDeliveries({ eventId: o.eventId, envelopes, ruleSet: o.ruleSet, userAgent: o.userAgent })
  const record: NewEventRecord = {
    id: o.eventId,
    source: o.source.name,
    type: o.source.type,
    event: o.parsed.event,
    delivery: envelopes[0]?.delivery ?? o.eventId,
    received_at: o.receivedAt.toISOString(),
    rules_version: o.ruleSet.version,
    routes: plan.routes,
    deliveries: plan.deliveries.map((d) => d.id),
    state: 'accepted', // the producer stores the event and its deliveries in one atomic step
    request: o.stored,
  }
  return { record, plan }
}

/** The 2xx body both ingress and re-runs answer with: what was queued, and why routes did not match. */
export function describeRouting(eventId: string, plan: RoutingResult, extra: Record<string, unknown> = {}): { status: 200 | 202; body: Record<string, unknown> } {
  const deliveries = plan.deliveries.map((d) => ({
    id: d.id,
    route: d.route,
    target: d.target,
    ...(d.error ? { status: 'failed', error: d.error } : { status: 'queued' }),
  }))
  const routes = plan.routes.map(({ route, status, reason }) => ({ route, status, ...(reason ? { reason } : {}) }))
  if (deliveries.length > 0) {
    return { status: 202, body: { event: eventId, ...extra, deliveries, routes } }
  }
  const reason =
    routes.length === 0
      ? 'no route uses this source'
      : routes.some((r) => r.status === 'error')
        ? 'no route matched; some routes failed (see routes)'
        : 'no route matched'
  return { status: 200, body: { event: eventId, ...extra, deliveries: [], reason, routes } }
}
