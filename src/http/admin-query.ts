import { z } from '@hono/zod-openapi'
import type { DeliveryQuery } from '../store/query-deliveries.ts'
import type { EventQuery } from '../store/query-events.ts'
import { decodeCursor } from '../store/scan-index.ts'
import { deliveryStatus } from './admin-schemas.ts'

/**
 * What admin requests carry in their path and query: validated by the routes (a failure
 * answers 400 QUERY_INVALID, or 404 for an id no record can have) and documented from the same
 * schemas.
 */

export const DEFAULT_LIMIT = 50
export const MAX_LIMIT = 200

/** Ids are ours (`ev_…`, `ev_…-1`, `ev_…-1-r1`); anything else cannot name a record, and must not reach a key. */
const RECORD_ID = /^[\w.-]{1,200}$/

function recordId(kind: 'event' | 'delivery', example: string) {
  return z.strictObject({
    id: z
      .string()
      .regex(RECORD_ID, { error: (issue) => `no ${kind} ${String(issue.input)}` })
      .openapi({ param: { name: 'id', in: 'path' }, description: `the ${kind}'s id`, example }),
  })
}

export const eventIdParam = recordId('event', 'ev_01JNZK8J2V3Q4R5S6T7U8V9W0X')
export const deliveryIdParam = recordId('delivery', 'ev_01JNZK8J2V3Q4R5S6T7U8V9W0X-1')

export function nameParam(kind: 'target' | 'schedule') {
  return z.strictObject({
    name: z
      .string()
      .min(1)
      .openapi({ param: { name: 'name', in: 'path' }, description: `the ${kind}'s name in the rules`, example: kind === 'target' ? 'ci' : 'nightly' }),
  })
}

const isoTime = (bound: string) =>
  z
    .string()
    .transform((value, ctx) => {
      const ms = Date.parse(value)
      if (Number.isNaN(ms)) {
        ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 time' })
        return z.NEVER
      }
      return ms
    })
    .optional()
    .openapi({ description: `${bound}: an ISO 8601 time (2025-03-01T00:00:00Z), inclusive` })

const cursor = z
  .string()
  .transform((value, ctx) => {
    const position = decodeCursor(value)
    if (!position) {
      ctx.addIssue({ code: 'custom', message: 'is not a cursor from a previous page' })
      return z.NEVER
    }
    return position
  })
  .optional()
  .openapi({ description: "the previous page's `next_cursor`" })

const page = {
  from: isoTime('oldest time received'),
  to: isoTime('newest time received'),
  limit: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .default(String(DEFAULT_LIMIT))
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_LIMIT))
    // what a client sends: a number in the query string (validated above as its digits)
    .openapi({ type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, example: 20, description: `most items in the page, 1 to ${MAX_LIMIT}` }),
  cursor,
}
const name = (what: string) => z.string().min(1).optional().openapi({ description: `only ${what}` })

export const eventQuery = z.object({
  source: name('events from this source'),
  status: z
    .enum(['matched', 'unmatched', 'error'])
    .optional()
    .openapi({
      description: '`matched`: some route matched; `unmatched`: none matched and none failed; `error`: some route failed',
      example: 'unmatched',
    }),
  ...page,
})

export const deliveryQuery = z.object({
  source: name("deliveries of this source's events"),
  route: name('deliveries made by this route'),
  target: name('deliveries to this target'),
  status: z.enum(deliveryStatus.options).optional().openapi({ description: 'only deliveries in this status', example: 'failed' }),
  ...page,
})

export function toEventQuery(q: z.output<typeof eventQuery>): EventQuery {
  const { source, status, from, to, limit, cursor } = q
  return { source, status, fromMs: from ?? null, toMs: to ?? null, after: cursor ?? null, limit }
}

export function toDeliveryQuery(q: z.output<typeof deliveryQuery>): DeliveryQuery {
  const { source, route, target, status, from, to, limit, cursor } = q
  return { source, route, target, status, fromMs: from ?? null, toMs: to ?? null, after: cursor ?? null, limit }
}
