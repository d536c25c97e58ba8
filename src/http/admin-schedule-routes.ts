import type { OpenAPIHono } from '@hono/zod-openapi'
import { adminSecretValues } from '../secret-masking.ts'
import { scheduleSources } from '../schedule/scheduler.ts'
import { nextFire } from '../sources/schedule.ts'
import type { AdminDeps } from './admin-deps.ts'
import { listSchedulesRoute, runScheduleRoute } from './admin-control-definitions.ts'
import { adminApi, problem, reply } from './admin-reply.ts'
import { describeRouting } from './routing-reply.ts'

/** GET /schedules (each with its next and last fire), POST /schedules/:name/run (fire now). */
export function scheduleRoutes(deps: AdminDeps): OpenAPIHono {
  const api = adminApi()
  const secrets = () => adminSecretValues(deps.getRuleSet())

  api.openapi(listSchedulesRoute, async (c) => {
    const schedules = scheduleSources(deps.getRuleSet())
    const state = await deps.schedules.read([...schedules.keys()])
    const now = new Date()
    const items = [...schedules].map(([name, options]) => ({
      name,
      cron: options.cron,
      timezone: options.timezone,
      misfire: options.misfire,
      next_fire: nextFire(options, now).toISOString(),
      last_fire: state.get(name)?.last_fire ?? null,
      last_event: state.get(name)?.last_event ?? null,
    }))
    return reply(c, { schedules: items }, secrets())
  })

  api.openapi(runScheduleRoute, async (c) => {
    const { name } = c.req.valid('param')
    if (!scheduleSources(deps.getRuleSet()).has(name)) {
      return problem(c, 404, 'NOT_FOUND', `no schedule ${name} in the rules`)
    }
    const outcome = await deps.pipeline.ingest({ kind: 'schedule', name, fireTime: new Date(), manual: true })
    if (outcome.kind !== 'stored') {
      // a manual run carries no dedup claim: a duplicate would be a bug, not a retry
      throw new Error(`manual run of ${name} was not stored`)
    }
    deps.metrics?.scheduleFired(name, 'manual')
    deps.logger.info({ schedule: name, event_id: outcome.eventId }, 'schedule run now')
    return reply(c, describeRouting(outcome.eventId, outcome.plan, { schedule: name }).body, secrets(), 202)
  })

  return api
}
