import type { EventHead } from '../store/query-events.ts'
import type { DeliveryRecord, DeliveryStatus, EventRecord } from '../store/records.ts'
import type { RouteOutcome } from '../routing/plan-deliveries.ts'
import type { OutboundRequest } from '../targets/types.ts'
import { maskHeaderNames } from '../secret-masking.ts'
import { bodyExcerpt } from './body-excerpt.ts'

export interface EventSummary extends Pick<EventRecord, 'id' | 'source' | 'type' | 'event' | 'delivery' | 'received_at' | 'rules_version' | 'rerun_of'> {
  routes: Pick<RouteOutcome, 'route' | 'status' | 'reason'>[]
  deliveries: Record<'total' | DeliveryStatus, number>
}

export interface RequestView {
  method: string
  url: string
  headers: Record<string, string>
  body: string
  body_truncated: boolean
}

export type DeliveryView = Omit<DeliveryRecord, 'request' | 'source'> & { source: string | null; request: RequestView | null }

/** `statuses`: the current status of each delivery id (the event lists them, their hashes hold the status). */
export function toEventSummary(e: EventHead, statuses: ReadonlyMap<string, DeliveryStatus>): EventSummary {
  const ids = Array.isArray(e.deliveries) ? e.deliveries : []
  const deliveries: EventSummary['deliveries'] = { total: ids.length, delivered: 0, failed: 0, queued: 0, retrying: 0, coalesced: 0, superseded: 0 }
  for (const id of ids) {
    const status = statuses.get(id)
    if (status !== undefined && status in deliveries) {
      deliveries[status]++
    }
  }
  return {
    id: e.id,
    source: e.source,
    type: e.type,
    event: e.event,
    delivery: e.delivery,
    received_at: e.received_at,
    rules_version: e.rules_version,
    ...(e.rerun_of === undefined ? {} : { rerun_of: e.rerun_of }),
    routes: (Array.isArray(e.routes) ? e.routes : []).map(({ route, status, reason }) => ({ route, status, ...(reason === undefined ? {} : { reason }) })),
    deliveries,
  }
}

/** A delivery as the API shows it: source resolved, request masked, body as bounded text. */
export function toDeliveryView(d: DeliveryRecord, source: string | null, secretValues: readonly string[]): DeliveryView {
  const { request, ...rest } = d
  return { ...rest, source: d.source ?? source, request: request ? requestView(request, secretValues) : null }
}

function requestView(request: OutboundRequest, secretValues: readonly string[]): RequestView {
  return { method: request.method, url: request.url, headers: maskHeaderNames(request.headers), ...bodyExcerpt(request.body, secretValues) }
}
