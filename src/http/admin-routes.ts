import { Hono } from 'hono'
import type { DeliveryLog } from '../delivery-log/delivery-log.ts'
import type { LogReader } from '../delivery-log/log-reader.ts'
import { HookyardError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import type { IngestPipeline } from '../ingest/ingest-pipeline.ts'
import type { Replayer } from '../queue/replay.ts'
import type { RuleSet } from '../rules/types.ts'
import { actionRoutes } from './admin-action-routes.ts'
import { adminAuth } from './admin-auth.ts'
import { readRoutes } from './admin-read-routes.ts'
import { toErrorResponse } from './error-response.ts'

export interface AdminDeps {
  /** the bearer token every admin request must carry */
  token: string
  getRuleSet: () => RuleSet
  log: DeliveryLog
  reader: LogReader
  replayer: Replayer
  /** re-runs go through the same pipeline as ingress */
  pipeline: IngestPipeline
  /** BullMQ job counts by state (waiting, active, delayed, failed, completed) */
  queueCounts: () => Promise<Record<string, number>>
  logger: Logger
  userAgent: string
}

/** Seconds a client should wait after a 503 before trying again. */
const RETRY_AFTER_SECONDS = '5'

/** The admin API, mounted under /api: JSON only, bearer token on every route. */
export function createAdminRoutes(deps: AdminDeps): Hono {
  const api = new Hono()
  api.use('*', adminAuth(deps.token))
  api.route('/', readRoutes(deps))
  api.route('/', actionRoutes(deps))
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
