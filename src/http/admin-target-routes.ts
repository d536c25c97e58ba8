import type { OpenAPIHono } from '@hono/zod-openapi'
import { listTargetsRoute, pauseTargetRoute, resumeTargetRoute } from './admin-control-definitions.ts'
import { adminApi, problem, reply } from './admin-reply.ts'
import type { AdminDeps } from './admin-deps.ts'
import { adminSecretValues } from '../secret-masking.ts'

/**
 * Targets with their flow-control settings and state, and pausing or resuming one by hand. A
 * paused target is not a hookyard fault: /readyz stays ready.
 */
export function targetRoutes(deps: AdminDeps): OpenAPIHono {
  const api = adminApi()
  const secrets = () => adminSecretValues(deps.getRuleSet())

  api.openapi(listTargetsRoute, async (c) => {
    const targets = [...deps.getRuleSet().targets.values()]
    const states = await Promise.all(targets.map((t) => deps.flow.state(t.name)))
    const items = targets.map((t, i) => {
      const s = states[i]!
      return {
        name: t.name,
        type: t.type,
        cooldown_ms: t.cooldownMs,
        concurrency: t.flow.concurrency,
        supersede: t.flow.supersede,
        circuit: t.flow.circuit && { failures: t.flow.circuit.failures, pause_ms: t.flow.circuit.pauseMs },
        state: s.paused ? ('paused' as const) : ('active' as const),
        paused: s.paused,
        paused_by_hand: s.manual,
        paused_until: s.until === null ? null : new Date(s.until).toISOString(),
        probing: s.probing,
        consecutive_failures: s.failures,
        inflight: s.inflight,
      }
    })
    return reply(c, { items }, secrets())
  })

  for (const [action, route] of [['pause', pauseTargetRoute], ['resume', resumeTargetRoute]] as const) {
    api.openapi(route, async (c) => {
      const { name } = c.req.valid('param')
      if (!deps.getRuleSet().targets.has(name)) {
        return problem(c, 404, 'NOT_FOUND', `no target ${name} in the rules`)
      }
      const changed = action === 'pause' ? await deps.flow.pause(name) : await deps.flow.resume(name)
      deps.logger.info({ target: name, changed }, action === 'pause' ? 'target paused by hand' : 'target resumed by hand')
      if (changed) {
        await deps.notifier.notify(
          action === 'pause'
            ? { type: 'target_paused', target: name, message: `${name} was paused by hand: nothing is sent to it until it is resumed` }
            : { type: 'target_resumed', target: name, message: `${name} was resumed by hand: deliveries resume` }
        )
      }
      return reply(c, { target: name, state: action === 'pause' ? ('paused' as const) : ('active' as const), changed }, secrets())
    })
  }

  return api
}
