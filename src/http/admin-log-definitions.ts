import { createRoute, z } from '@hono/zod-openapi'
import { envelopeSchema } from './admin-envelope-schema.ts'
import { deliveryIdParam, deliveryQuery, eventIdParam, eventQuery } from './admin-query.ts'
import {
  attempt,
  COMMON_RESPONSES,
  deliveryStatus,
  deliveryView,
  errorBody,
  eventSummary,
  inboundRequest,
  json,
  orNull,
  page,
  routeTrace,
  routingReply,
} from './admin-schemas.ts'

/**
 * The delivery log's routes: events and deliveries, and acting on one (re-run, replay). Paths
 * are relative to /api. The route files implement these (`api.openapi(definition, handler)`):
 * requests are validated against them and replies typed by them; the OpenAPI document is
 * generated from them.
 */

const queryInvalid = json(errorBody, '`QUERY_INVALID`: a filter is malformed; the message names it and says what it must be')

export const listEventsRoute = createRoute({
  method: 'get',
  path: '/events',
  tags: ['events'],
  summary: 'List events',
  description: 'Inbound events, newest first, with how each route matched and how many of their deliveries are in each status.',
  request: { query: eventQuery },
  responses: { 200: json(page(eventSummary, 'EventPage'), 'A page of events'), 400: queryInvalid, ...COMMON_RESPONSES },
})

// the summary's fields spelled out again rather than extended: the document then shows one whole
// object, not the summary plus overrides
const eventDetail = z
  .strictObject({
    ...eventSummary.shape,
    routes: z.array(routeTrace).openapi({ description: "every route of the source: the full explain trace, errors included" }),
    envelope: orNull(envelopeSchema),
    request: inboundRequest,
  })
  .openapi('EventDetail')

export const getEventRoute = createRoute({
  method: 'get',
  path: '/events/{id}',
  tags: ['events'],
  summary: 'Show an event',
  description: 'One event with the full explain trace of its routes, the envelope rules saw, the request as received, and its deliveries.',
  request: { params: eventIdParam },
  responses: {
    200: json(
      z.strictObject({
        event: eventDetail,
        deliveries: z.array(deliveryView),
      }),
      'The event and its deliveries'
    ),
    404: json(errorBody, '`NOT_FOUND`: no event has this id (it may have expired)'),
    ...COMMON_RESPONSES,
  },
})

const rerunReply = routingReply('RerunReply', { rerun_of: z.string().openapi({ description: 'the event that was re-run' }) })
const pingRerunReply = z
  .strictObject({ event: z.null(), rerun_of: z.string(), deliveries: z.tuple([]), reason: z.string() })
  .openapi('PingRerunReply', { description: 'the event was a ping: nothing to trigger, nothing stored' })

export const rerunEventRoute = createRoute({
  method: 'post',
  path: '/events/{id}/rerun',
  tags: ['events'],
  summary: 'Re-run an event',
  description:
    'Routes the stored request again against the current rules, as a new event that names the old one in `rerun_of`: fixed rules apply and new deliveries are made.',
  request: { params: eventIdParam },
  responses: {
    200: json(z.union([rerunReply, pingRerunReply]), 'Nothing was queued: no route matched (see `reason` and `routes`), or the event was a ping'),
    202: json(rerunReply, 'Deliveries were queued'),
    404: json(errorBody, '`NOT_FOUND`: no event has this id'),
    409: json(errorBody, '`SOURCE_UNKNOWN`: the source left the rules; `BODY_INVALID`: the stored body no longer parses as its source requires'),
    ...COMMON_RESPONSES,
  },
})

export const listDeliveriesRoute = createRoute({
  method: 'get',
  path: '/deliveries',
  tags: ['deliveries'],
  summary: 'List deliveries',
  description: 'Outbound deliveries (one per event, route and target), newest first, each with the exact request it sends.',
  request: { query: deliveryQuery },
  responses: { 200: json(page(deliveryView, 'DeliveryPage'), 'A page of deliveries'), 400: queryInvalid, ...COMMON_RESPONSES },
})

export const getDeliveryRoute = createRoute({
  method: 'get',
  path: '/deliveries/{id}',
  tags: ['deliveries'],
  summary: 'Show a delivery',
  description: "One delivery and every attempt made to send it: the target's status, headers and the start of its answer.",
  request: { params: deliveryIdParam },
  responses: {
    200: json(z.strictObject({ delivery: deliveryView, attempts: z.array(attempt) }), 'The delivery and its attempts, oldest first'),
    404: json(errorBody, '`NOT_FOUND`: no delivery has this id (it may have expired)'),
    ...COMMON_RESPONSES,
  },
})

export const replayDeliveryRoute = createRoute({
  method: 'post',
  path: '/deliveries/{id}/replay',
  tags: ['deliveries'],
  summary: 'Replay a delivery',
  description:
    'Queues a new delivery that sends the stored request again, byte for byte, to the same target (under its current settings). The new delivery names the old one in `replay_of`.',
  request: { params: deliveryIdParam },
  responses: {
    202: json(
      z.strictObject({
        delivery: z.strictObject({ id: z.string(), route: z.string(), target: z.string(), status: deliveryStatus, replay_of: z.string() }),
      }),
      'The new delivery, queued'
    ),
    404: json(errorBody, '`NOT_FOUND`: no delivery has this id'),
    409: json(errorBody, '`NO_REQUEST`: the mapping failed, so there is nothing to resend (re-run the event instead); `TARGET_UNKNOWN`: the target left the rules'),
    ...COMMON_RESPONSES,
  },
})

export const logRouteDefinitions = [
  listEventsRoute,
  getEventRoute,
  rerunEventRoute,
  listDeliveriesRoute,
  getDeliveryRoute,
  replayDeliveryRoute,
] as const
