import type { OpenAPIHono } from '@hono/zod-openapi'
import { HookyardError } from '../errors.ts'
import { actionRoutes } from './admin-action-routes.ts'
import { adminApiDocument } from './admin-api-document.ts'
import { adminAuth } from './admin-auth.ts'
import { openApiDocumentRoute } from './admin-control-definitions.ts'
import type { AdminDeps } from './admin-deps.ts'
import { readRoutes } from './admin-read-routes.ts'
import { adminApi } from './admin-reply.ts'
import { scheduleRoutes } from './admin-schedule-routes.ts'
import { targetRoutes } from './admin-target-routes.ts'
import { toErrorResponse } from './error-response.ts'

/** Seconds a client should wait after a 503 before trying again. */
const RETRY_AFTER_SECONDS = '5'

/**
 * The admin API, mounted under /api: JSON only, bearer token on every route. Its reference,
 * /api/openapi.json, sits behind the token too: it is the same for every install (docs/openapi.json
 * publishes it), and an unauthenticated route would be the one exception to check for.
 */
export function createAdminRoutes(deps: AdminDeps): OpenAPIHono {
  const api = adminApi()
  api.use('*', adminAuth(deps.token))
  let document: ReturnType<typeof adminApiDocument> | undefined
  api.openapi(openApiDocumentRoute, (c) => c.json((document ??= adminApiDocument()), 200))
  api.route('/', readRoutes(deps))
  api.route('/', actionRoutes(deps))
  api.route('/', targetRoutes(deps))
  api.route('/', scheduleRoutes(deps))
  api.onError((err, c) => {
    const res = toErrorResponse(err)
    if (err instanceof HookyardError && res.status === 503) {
      c.header('Retry-After', RETRY_AFTER_SECONDS)
    } else {
      deps.logger.error({ err, path: c.req.path }, 'admin request failed')
    }
    return c.json(res.body, res.status)
  })
  return api
}
