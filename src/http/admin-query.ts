import * as z from 'zod'
import type { DeliveryQuery } from '../delivery-log/query-deliveries.ts'
import type { EventQuery } from '../delivery-log/query-events.ts'
import { decodeCursor } from '../delivery-log/scan-index.ts'

export const DEFAULT_LIMIT = 50
export const MAX_LIMIT = 200

const isoTime = z.string().transform((value, ctx) => {
  const ms = Date.parse(value)
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 time' })
    return z.NEVER
  }
  return ms
})

const cursor = z.string().transform((value, ctx) => {
  const position = decodeCursor(value)
  if (!position) {
    ctx.addIssue({ code: 'custom', message: 'is not a cursor from a previous page' })
    return z.NEVER
  }
  return position
})

const page = {
  from: isoTime.optional(),
  to: isoTime.optional(),
  limit: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_LIMIT))
    .default(DEFAULT_LIMIT),
  cursor: cursor.optional(),
}
const name = z.string().min(1).optional()

const eventsSchema = z.object({ source: name, status: z.enum(['matched', 'unmatched', 'error']).optional(), ...page })
const deliveriesSchema = z.object({
  source: name,
  route: name,
  target: name,
  status: z.enum(['queued', 'retrying', 'delivered', 'failed', 'coalesced', 'superseded']).optional(),
  ...page,
})

export type Parsed<T> = { ok: true; query: T } | { ok: false; message: string }

export function parseEventQuery(params: Record<string, string>): Parsed<EventQuery> {
  const r = eventsSchema.safeParse(params)
  if (!r.success) {
    return { ok: false, message: describe(r.error) }
  }
  const { source, status, from, to, limit, cursor } = r.data
  return { ok: true, query: { source, status, fromMs: from ?? null, toMs: to ?? null, after: cursor ?? null, limit } }
}

export function parseDeliveryQuery(params: Record<string, string>): Parsed<DeliveryQuery> {
  const r = deliveriesSchema.safeParse(params)
  if (!r.success) {
    return { ok: false, message: describe(r.error) }
  }
  const { source, route, target, status, from, to, limit, cursor } = r.data
  return { ok: true, query: { source, route, target, status, fromMs: from ?? null, toMs: to ?? null, after: cursor ?? null, limit } }
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
}

/** Ids are ours (`ev_…`, `ev_…-1`, `ev_…-1-r1`); anything else cannot name a record, and must not reach a key. */
export function isRecordId(id: string): boolean {
  return /^[\w.-]{1,200}$/.test(id)
}
