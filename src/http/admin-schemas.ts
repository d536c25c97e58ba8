import { z } from '@hono/zod-openapi'

/**
 * The shapes the admin API answers with. The route definitions (admin-*-definitions.ts) use
 * them as response schemas: they type the handlers' replies (a field missing here, or of another
 * type, fails the type check) and write the OpenAPI reference. Objects are strict, so the
 * conformance test (test/integration/openapi-conformance.test.ts) fails on an undocumented field.
 */

const time = z.string().openapi({ format: 'date-time', description: 'an ISO 8601 time, UTC', example: '2025-03-01T12:00:00.000Z' })
const count = z.number().int().min(0)
const stringMap = z.record(z.string(), z.string())

/** A JSON response of a route definition. */
export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } }
}

/**
 * `schema` or null. For a named schema (a $ref in the document) write this instead of
 * `.nullable()`: the generator drops the null from a nullable $ref in OpenAPI 3.1.
 */
export function orNull<T extends z.ZodType>(schema: T) {
  return z.union([schema, z.null()])
}

export const errorBody = z
  .strictObject({
    error: z.strictObject({
      code: z.string().openapi({ example: 'NOT_FOUND' }),
      message: z.string().openapi({ description: 'what is wrong and how to fix it', example: 'no delivery ev_01J…-1' }),
    }),
  })
  .openapi('Error')

/** Answers any admin route can give, besides its own. */
export const COMMON_RESPONSES = {
  401: json(errorBody, '`UNAUTHORIZED`: the `Authorization: Bearer <token>` header is missing or names another token'),
  500: json(errorBody, '`INTERNAL`: an unexpected failure; the reason is in the log'),
  503: {
    ...json(errorBody, '`STORE_UNAVAILABLE`: Redis is unreachable or full; try again after `Retry-After` seconds'),
    headers: z.object({ 'Retry-After': z.string().openapi({ description: 'seconds to wait', example: '5' }) }),
  },
}

/** A list answer: newest first, `next_cursor` null on the last page. */
export function page<T extends z.ZodType>(item: T, name: string) {
  return z
    .strictObject({
      items: z.array(item),
      next_cursor: z.string().nullable().openapi({ description: 'pass as `cursor` to get the next page; null: this was the last page' }),
    })
    .openapi(name)
}

export const deliveryStatus = z
  .enum(['queued', 'retrying', 'delivered', 'failed', 'coalesced', 'superseded'])
  .openapi('DeliveryStatus', { description: '`coalesced`/`superseded`: a newer delivery for the same cooldown or supersede key replaced it before it was sent' })

export const routeOutcome = z.strictObject({
  route: z.string(),
  status: z.enum(['matched', 'not_matched', 'error']),
  reason: z.string().optional().openapi({ description: 'why the route did not match, or what failed' }),
})

export const routeTrace = routeOutcome
  .extend({
    error: z.strictObject({ code: z.string(), message: z.string(), position: z.number().int().optional() }).optional(),
  })
  .openapi('RouteTrace', { description: "one route's part of the explain trace: whether `when` matched and why not" })

export const statusCounts = z.strictObject({
  queued: count,
  retrying: count,
  delivered: count,
  failed: count,
  coalesced: count,
  superseded: count,
})

const deliveryCounts = statusCounts.extend({ total: count })

export const eventSummary = z
  .strictObject({
    id: z.string().openapi({ example: 'ev_01JNZK8J2V3Q4R5S6T7U8V9W0X' }),
    source: z.string(),
    type: z.string().openapi({ description: 'the source type (github, gitlab, generic, schedule, …)' }),
    event: z.string().openapi({ description: "the sender's event name (push, pull_request, …)" }),
    delivery: z.string().openapi({ description: "the sender's delivery id, or the body hash used for dedup" }),
    received_at: time,
    rules_version: z.string(),
    rerun_of: z.string().optional().openapi({ description: 'set on an event created by re-running another' }),
    routes: z.array(routeOutcome),
    deliveries: deliveryCounts.openapi({ description: "how many of the event's deliveries are in each status now" }),
  })
  .openapi('EventSummary')

export const requestView = z
  .strictObject({
    method: z.string(),
    url: z.string(),
    headers: stringMap.openapi({ description: 'secret header values masked' }),
    body: z.string().openapi({ description: 'the body as text, secrets masked, cut at a bounded length' }),
    body_truncated: z.boolean(),
  })
  .openapi('OutboundRequest', { description: 'the exact request every attempt of a delivery sends' })

export const buildReference = z
  .strictObject({ url: z.string().optional(), id: z.string().optional(), number: z.string().optional() })
  .openapi('BuildReference', { description: 'the build the CI system started, read from its answer to the delivery' })

export const deliveryView = z
  .strictObject({
    id: z.string().openapi({ example: 'ev_01JNZK8J2V3Q4R5S6T7U8V9W0X-1' }),
    event: z.string(),
    route: z.string(),
    target: z.string(),
    source: z.string().nullable(),
    status: deliveryStatus,
    created_at: time,
    updated_at: time,
    rules_version: z.string(),
    attempts_made: count,
    max_attempts: count,
    request: orNull(requestView).openapi({ description: 'null when the mapping failed: the delivery failed at once' }),
    error: z.string().nullable(),
    cooldown_key: z.string().nullable(),
    coalesced_into: z.string().optional(),
    superseded_by: z.string().optional(),
    replay_of: z.string().optional().openapi({ description: 'set on a delivery created by replaying another' }),
    replays: count.optional().openapi({ description: 'how many replays were made of this delivery' }),
    report_to: z
      .array(z.strictObject({ target: z.string(), repository: z.string(), sha: z.string(), context: z.string() }))
      .optional()
      .openapi({ description: "the commits whose status this delivery's outcome is posted to (the route's `report_to`), by reporter target" }),
    build: buildReference.optional(),
  })
  .openapi('Delivery')

export const attempt = z
  .strictObject({
    attempt: z.number().int().min(1),
    at: time,
    duration_ms: count,
    status: z.number().int().nullable().openapi({ description: "the target's HTTP status; null without a response (timeout, network error)" }),
    outcome: z.enum(['delivered', 'retry', 'failed']),
    reason: z.string().nullable(),
    response_headers: stringMap,
    response_excerpt: z.string().openapi({ description: "the start of the target's response body" }),
  })
  .openapi('Attempt')

export const inboundRequest = z
  .strictObject({
    method: z.string(),
    headers: stringMap,
    query: stringMap,
    body: z.string(),
    body_truncated: z.boolean(),
  })
  .openapi('InboundRequest', { description: 'an event as received: secret headers and query values masked, the body as bounded text' })

const plannedDelivery = z.strictObject({
  id: z.string(),
  route: z.string(),
  target: z.string(),
  status: z.enum(['queued', 'failed']),
  error: z.string().optional().openapi({ description: 'why the mapping failed (the delivery failed at once)' }),
})

/** The answer for an event routed now (re-run, schedule run): what was queued, and each route's outcome. */
export function routingReply<T extends z.ZodRawShape>(name: string, extra: T) {
  return z
    .strictObject({
      event: z.string().openapi({ description: 'the new event' }),
      ...extra,
      deliveries: z.array(plannedDelivery),
      reason: z.string().optional().openapi({ description: 'why nothing was queued; only when nothing was' }),
      routes: z.array(routeOutcome),
    })
    .openapi(name)
}
