import type { RoutingResult } from '../routing/plan-deliveries.ts'

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
