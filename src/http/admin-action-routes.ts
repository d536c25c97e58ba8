import type { OpenAPIHono } from '@hono/zod-openapi'
import { retryFailedRoute } from './admin-control-definitions.ts'
import { replayDeliveryRoute, rerunEventRoute } from './admin-log-definitions.ts'
import { adminApi, problem, reply, replyResult } from './admin-reply.ts'
import type { AdminDeps } from './admin-deps.ts'
import { adminSecretValues } from '../secret-masking.ts'
import { rerunEvent } from './rerun-event.ts'

/** Most failed deliveries one retry-failed call replays; call again for the rest. */
const RETRY_FAILED_CAP = 1000
/** Replays in flight at once during retry-failed: bounded so one call cannot flood Redis. */
const RETRY_FAILED_CONCURRENCY = 20

const STATUS_BY_CODE = { NOT_FOUND: 404, NO_REQUEST: 409, TARGET_UNKNOWN: 409 } as const

/** POST routes: replay a delivery, re-run an event, retry a target's failed deliveries. */
export function actionRoutes(deps: AdminDeps): OpenAPIHono {
  const api = adminApi()
  const secrets = () => adminSecretValues(deps.getRuleSet())

  api.openapi(replayDeliveryRoute, async (c) => {
    const result = await deps.replayer.replay(c.req.valid('param').id)
    if (!result.ok) {
      return problem(c, STATUS_BY_CODE[result.code], result.code, result.message)
    }
    const { id: newId, route, target, status, replay_of } = result.delivery
    deps.logger.info({ delivery: newId, replay_of, target }, 'delivery replayed')
    return reply(c, { delivery: { id: newId, route, target, status, replay_of } }, secrets(), 202)
  })

  api.openapi(rerunEventRoute, async (c) => {
    return replyResult(c, await rerunEvent(deps, c.req.valid('param').id), secrets())
  })

  /**
   * Replays the newest failed delivery of each chain: a failed delivery that was already
   * replayed is skipped (its replay, if it failed too, is picked instead), so calling this twice
   * never sends the same failure twice. Deliveries whose mapping failed have nothing to send and
   * are left out (re-run their event instead).
   */
  api.openapi(retryFailedRoute, async (c) => {
    const { name } = c.req.valid('param')
    if (!deps.getRuleSet().targets.has(name)) {
      return problem(c, 404, 'NOT_FOUND', `no target ${name} in the rules`)
    }
    const page = await deps.reader.listDeliveries({
      target: name,
      status: 'failed',
      replayed: false,
      attempted: true,
      fromMs: null,
      toMs: null,
      after: null,
      limit: RETRY_FAILED_CAP,
      budget: Number.POSITIVE_INFINITY, // the whole retained index: bounded by retention, and an explicit action
    })
    const retried: string[] = []
    let skipped = 0
    const ids = page.items.map((d) => d.id)
    for (let start = 0; start < ids.length; start += RETRY_FAILED_CONCURRENCY) {
      const results = await Promise.all(ids.slice(start, start + RETRY_FAILED_CONCURRENCY).map((id) => deps.replayer.replay(id)))
      for (const r of results) {
        if (r.ok) {
          retried.push(r.delivery.id)
        } else {
          skipped++
        }
      }
    }
    deps.logger.info({ target: name, retried: retried.length, skipped }, 'failed deliveries retried')
    return reply(c, { retried: retried.length, deliveries: retried, skipped, more: page.next !== null }, secrets(), 202)
  })

  return api
}
