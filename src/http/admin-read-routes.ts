import type { OpenAPIHono } from '@hono/zod-openapi'
import { encodeCursor } from '../store/scan-index.ts'
import type { DeliveryRecord } from '../store/records.ts'
import { summaryRoute } from './admin-control-definitions.ts'
import { getDeliveryRoute, getEventRoute, listDeliveriesRoute, listEventsRoute } from './admin-log-definitions.ts'
import { toDeliveryQuery, toEventQuery } from './admin-query.ts'
import { adminApi, problem, reply } from './admin-reply.ts'
import type { AdminDeps } from './admin-deps.ts'
import { toDeliveryView, toEventSummary } from './admin-views.ts'
import { envelopeSummary, storedRequestView } from './event-envelope.ts'
import { adminSecretValues, maskHeaderNames } from '../secret-masking.ts'

const DAY_MS = 24 * 3600_000
/** The summary counts the statuses of at most this many of the last day's deliveries. */
const SUMMARY_DELIVERY_CAP = 10_000

/** GET routes: lists with filters and paging, single records, the dashboard summary. */
export function readRoutes(deps: AdminDeps): OpenAPIHono {
  const api = adminApi()
  const secrets = () => adminSecretValues(deps.getRuleSet())

  api.openapi(listEventsRoute, async (c) => {
    const page = await deps.reader.listEvents(toEventQuery(c.req.valid('query')))
    const statuses = await deps.reader.deliveryStatuses(page.items.flatMap((e) => e.deliveries))
    return reply(c, { items: page.items.map((e) => toEventSummary(e, statuses)), next_cursor: encodeCursor(page.next) }, secrets())
  })

  api.openapi(getEventRoute, async (c) => {
    const { id } = c.req.valid('param')
    const event = await deps.log.getEvent(id)
    if (!event) {
      return problem(c, 404, 'NOT_FOUND', `no event ${id}`)
    }
    const deliveries = (await deps.reader.loadDeliveries(event.deliveries)).filter((d): d is DeliveryRecord => d !== null)
    const statuses = new Map(deliveries.map((d) => [d.id, d.status]))
    const ruleSet = deps.getRuleSet()
    const masked = adminSecretValues(ruleSet)
    const detail = {
      ...toEventSummary(event, statuses),
      routes: event.routes, // the full explain trace, errors included
      envelope: envelopeSummary(event, ruleSet),
      request: storedRequestView(event, masked),
    }
    return reply(c, { event: detail, deliveries: deliveries.map((d) => toDeliveryView(d, event.source, masked)) }, masked)
  })

  api.openapi(listDeliveriesRoute, async (c) => {
    const page = await deps.reader.listDeliveries(toDeliveryQuery(c.req.valid('query')))
    const records = await deps.reader.loadDeliveries(page.items.map((d) => d.id))
    const items = page.items.flatMap((head, i) => {
      const record = records[i]
      return record ? [toDeliveryView(record, head.source, secrets())] : []
    })
    return reply(c, { items, next_cursor: encodeCursor(page.next) }, secrets())
  })

  api.openapi(getDeliveryRoute, async (c) => {
    const { id } = c.req.valid('param')
    const [delivery] = await deps.reader.loadDeliveries([id])
    if (!delivery) {
      return problem(c, 404, 'NOT_FOUND', `no delivery ${id}`)
    }
    const [sources, attempts] = await Promise.all([deps.reader.eventSources([delivery.event]), deps.log.listAttempts(id)])
    return reply(
      c,
      {
        delivery: toDeliveryView(delivery, sources.get(delivery.event) ?? null, secrets()),
        attempts: attempts.map((a) => ({ ...a, response_headers: maskHeaderNames(a.response_headers) })),
      },
      secrets()
    )
  })

  api.openapi(summaryRoute, async (c) => {
    const ruleSet = deps.getRuleSet()
    const since = Date.now() - DAY_MS
    const names = [...ruleSet.targets.keys()]
    const [events24h, deliveries, queue, states] = await Promise.all([
      deps.reader.countEventsSince(since),
      deps.reader.countDeliveriesSince(since, SUMMARY_DELIVERY_CAP),
      deps.queueCounts(),
      Promise.all(names.map((t) => deps.flow.state(t))),
    ])
    return reply(
      c,
      {
        rules_version: ruleSet.version,
        sources: [...ruleSet.sources.keys()],
        targets: names,
        paused_targets: names.filter((_, i) => states[i]!.paused),
        routes: ruleSet.routes.map((r) => r.name),
        counts: { events_24h: events24h, deliveries: deliveries.counts, deliveries_truncated: deliveries.truncated },
        queue,
      },
      adminSecretValues(ruleSet)
    )
  })

  return api
}
