import type { RouteOutcome, RoutingResult } from '../routing/plan-deliveries.ts'

/** What was queued for a routed event, and each route's outcome; `X`: fields the caller adds (rerun_of, schedule). */
export type RoutingReplyBody<X extends object = object> = {
  event: string
  deliveries: { id: string; route: string; target: string; status: 'queued' | 'failed'; error?: string }[]
  /** why nothing was queued; only when nothing was */
  reason?: string
  routes: { route: string; status: RouteOutcome['status']; reason?: string }[]
} & X

/** The 2xx body both ingress and re-runs answer with: what was queued, and why routes did not match. */
export function describeRouting<X extends object = object>(
  eventId: string,
  plan: RoutingResult,
  extra: X = {} as X
): { status: 202; body: RoutingReplyBody<X> } | { status: 200; body: RoutingReplyBody<X> } {
  const deliveries = plan.deliveries.map((d) => ({
    id: d.id,
    route: d.route,
    target: d.target,
    ...(d.error ? { status: 'failed' as const, error: d.error } : { status: 'queued' as const }),
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
