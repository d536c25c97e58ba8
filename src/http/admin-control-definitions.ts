import { createRoute, z } from '@hono/zod-openapi'
import { nameParam } from './admin-query.ts'
import { COMMON_RESPONSES, errorBody, json, routingReply, statusCounts } from './admin-schemas.ts'

/**
 * The admin API's routes besides the delivery log: the summary, targets and their flow control,
 * schedules, and the API document itself. Paths are relative to /api; see admin-log-definitions.ts.
 */

const count = z.number().int().min(0)

export const summaryRoute = createRoute({
  method: 'get',
  path: '/summary',
  tags: ['overview'],
  summary: 'Summary',
  description: "What the dashboard's front page shows: the loaded rules, the last day's counts and the queue.",
  responses: {
    200: json(
      z
        .strictObject({
          rules_version: z.string(),
          sources: z.array(z.string()),
          targets: z.array(z.string()),
          paused_targets: z.array(z.string()),
          routes: z.array(z.string()),
          counts: z.strictObject({
            events_24h: count,
            deliveries: statusCounts.openapi({ description: "the last day's deliveries by status" }),
            deliveries_truncated: z.boolean().openapi({ description: 'true: more deliveries than were counted (the count stops at 10,000)' }),
          }),
          queue: z.record(z.string(), count).openapi({ description: 'queue jobs by state (waiting, active, delayed, failed, completed)' }),
        })
        .openapi('Summary'),
      'The summary'
    ),
    ...COMMON_RESPONSES,
  },
})

const target = z
  .strictObject({
    name: z.string(),
    type: z.string().openapi({ description: 'the target type (http, github, gitlab, jenkins, …)' }),
    cooldown_ms: count,
    concurrency: z.number().int().min(1).nullable().openapi({ description: 'most deliveries in flight at once; null: unlimited' }),
    supersede: z.boolean(),
    circuit: z.strictObject({ failures: z.number().int().min(1), pause_ms: count }).nullable().openapi({ description: 'the circuit breaker; null: none' }),
    state: z.enum(['active', 'paused']),
    paused: z.boolean(),
    paused_by_hand: z.boolean(),
    paused_until: z.string().nullable().openapi({ description: 'when the circuit breaker probes again; null when paused by hand or not paused' }),
    probing: z.boolean(),
    consecutive_failures: count,
    inflight: count,
  })
  .openapi('Target')

export const listTargetsRoute = createRoute({
  method: 'get',
  path: '/targets',
  tags: ['targets'],
  summary: 'List targets',
  description: 'Every target in the rules with its flow-control settings and its state now (paused, circuit, deliveries in flight).',
  responses: { 200: json(z.strictObject({ items: z.array(target) }), 'All targets (not paged)'), ...COMMON_RESPONSES },
})

const noTarget = json(errorBody, '`NOT_FOUND`: no target of this name in the rules')

function pauseOrResume(action: 'pause' | 'resume') {
  return createRoute({
    method: 'post',
    path: `/targets/{name}/${action}`,
    tags: ['targets'],
    summary: action === 'pause' ? 'Pause a target' : 'Resume a target',
    description:
      action === 'pause'
        ? 'Stops sending to the target until it is resumed; deliveries wait in the queue. A paused target does not make /readyz fail.'
        : 'Sends to the target again, whether it was paused by hand or by its circuit breaker.',
    request: { params: nameParam('target') },
    responses: {
      200: json(
        z.strictObject({
          target: z.string(),
          state: z.literal(action === 'pause' ? 'paused' : 'active'),
          changed: z.boolean().openapi({ description: `false: it was already ${action === 'pause' ? 'paused' : 'active'}` }),
        }),
        `The target's state now`
      ),
      404: noTarget,
      ...COMMON_RESPONSES,
    },
  })
}

export const pauseTargetRoute = pauseOrResume('pause')
export const resumeTargetRoute = pauseOrResume('resume')

export const retryFailedRoute = createRoute({
  method: 'post',
  path: '/targets/{name}/retry-failed',
  tags: ['targets'],
  summary: "Retry a target's failed deliveries",
  description:
    'Replays the newest failed delivery of each replay chain to the target, so calling it twice never sends the same failure twice. Deliveries whose mapping failed are left out (re-run their event). At most 1,000 per call: call again while `more` is true.',
  request: { params: nameParam('target') },
  responses: {
    202: json(
      z.strictObject({
        retried: count,
        deliveries: z.array(z.string()).openapi({ description: 'the new deliveries' }),
        skipped: count.openapi({ description: 'failed deliveries that could not be replayed' }),
        more: z.boolean().openapi({ description: 'true: more failed deliveries remain; call again' }),
      }),
      'The replays, queued'
    ),
    404: noTarget,
    ...COMMON_RESPONSES,
  },
})

const schedule = z
  .strictObject({
    name: z.string(),
    cron: z.string(),
    timezone: z.string(),
    misfire: z.enum(['latest', 'skip']),
    next_fire: z.string(),
    last_fire: z.string().nullable(),
    last_event: z.string().nullable().openapi({ description: 'the event the last fire (or manual run) created' }),
  })
  .openapi('Schedule')

export const listSchedulesRoute = createRoute({
  method: 'get',
  path: '/schedules',
  tags: ['schedules'],
  summary: 'List schedules',
  description: 'Every schedule source with its next fire time and its last fire.',
  responses: { 200: json(z.strictObject({ schedules: z.array(schedule) }), 'All schedules (not paged)'), ...COMMON_RESPONSES },
})

export const runScheduleRoute = createRoute({
  method: 'post',
  path: '/schedules/{name}/run',
  tags: ['schedules'],
  summary: 'Run a schedule now',
  description: 'Fires the schedule once now, as a manual run: an event is routed like a tick, and the next regular fire is unchanged.',
  request: { params: nameParam('schedule') },
  responses: {
    202: json(routingReply('ScheduleRunReply', { schedule: z.string() }), 'The event was stored; `deliveries` lists what was queued'),
    404: json(errorBody, '`NOT_FOUND`: no schedule of this name in the rules'),
    ...COMMON_RESPONSES,
  },
})

export const openApiDocumentRoute = createRoute({
  method: 'get',
  path: '/openapi.json',
  tags: ['reference'],
  summary: 'This API reference',
  description: 'The OpenAPI 3.1 document of the admin API, generated from the route definitions.',
  responses: {
    200: json(
      z
        .object({
          openapi: z.string().openapi({ example: '3.1.0' }),
          info: z.object({ title: z.string(), version: z.string().openapi({ description: "hookyard's version" }) }),
          paths: z.object({}).optional().openapi({ description: 'every admin route, as this reference lists them' }),
        })
        .openapi({ description: 'an OpenAPI 3.1 document (more fields than the ones named here)' }),
      'The OpenAPI document (docs/openapi.json in the repository is a copy)'
    ),
    ...COMMON_RESPONSES,
  },
})

export const controlRouteDefinitions = [
  summaryRoute,
  listTargetsRoute,
  pauseTargetRoute,
  resumeTargetRoute,
  retryFailedRoute,
  listSchedulesRoute,
  runScheduleRoute,
  openApiDocumentRoute,
] as const
