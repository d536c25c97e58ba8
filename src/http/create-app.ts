import type { HttpBindings } from '@hono/node-server'
import { Hono } from 'hono'
import { flattenHeaders } from '../delivery/send-attempt.ts'
import type { Logger } from '../logger.ts'
import type { Metrics } from '../metrics/create-metrics.ts'
import { acceptWebhook, type AcceptDeps } from './accept-webhook.ts'
import type { AdminDeps } from './admin-deps.ts'
import { createAdminRoutes } from './admin-routes.ts'
import { createUiRoutes } from './ui/ui-routes.ts'
import { HookyardError } from '../errors.ts'
import { toErrorResponse } from './error-response.ts'
import { recordIngest, REQUEST_TIMEOUT_STATUS } from './ingest-metrics.ts'
import { createRateLimitedLog } from '../rate-limited-log.ts'
import { readRawBody } from './read-raw-body.ts'

export interface AppOptions {
  /** null: this process does not accept webhooks (worker role) */
  ingest: AcceptDeps | null
  /** the admin API under /api; null or absent: none (worker role) */
  admin?: AdminDeps | null
  logger: Logger
  maxBodyBytes: number
  /** readiness: Redis reachable and rules loaded */
  readiness: () => Promise<{ ready: boolean; details: Record<string, unknown> }>
  /** true once shutdown began: responses then close their connection, so keep-alive clients let go */
  isClosing?: () => boolean
  /** Prometheus text at GET /metrics (no auth, like most exporters); absent: no /metrics route */
  metrics?: Metrics | null
}

/** Seconds a sender should wait after a 503 before trying again. */
const RETRY_AFTER_SECONDS = '5'

export function createApp(options: AppOptions): Hono {
  const app = new Hono()
  // API answers carry event ids, payload excerpts and errors: no browser may sniff them into another
  // type, and no cache may keep them. Set before the handler, so a route can still override them
  // (the dashboard's own files set their own caching).
  app.use(async (c, next) => {
    c.header('X-Content-Type-Options', 'nosniff')
    c.header('Cache-Control', 'no-store')
    await next()
  })
  app.use(async (c, next) => {
    await next()
    if (options.isClosing?.()) {
      c.header('Connection', 'close')
    }
  })
  const { ingest, logger } = options
  // while Redis is down every webhook fails the same way: one line when it starts, counts after
  const storeOutage = createRateLimitedLog({
    logger,
    level: 'error',
    message: 'webhooks rejected with 503: the event store (Redis) is unavailable',
    recoveredMessage: 'the event store (Redis) is available again; webhooks are accepted',
  })
  const cutOff = createRateLimitedLog({ logger, level: 'warn', message: 'webhook requests closed before their body arrived' })

  app.get('/healthz', (c) => c.json({ status: 'ok' }))
  app.get('/readyz', async (c) => {
    const { ready, details } = await options.readiness()
    return c.json({ status: ready ? 'ready' : 'not ready', ...details }, ready ? 200 : 503)
  })
  const metrics = options.metrics
  if (metrics) {
    app.get('/metrics', async (c) => {
      const { contentType, body } = await metrics.render()
      return c.body(body, 200, { 'Content-Type': contentType })
    })
  }

  if (ingest) {
    app.post('/hooks/:source', async (c) => {
      const observe = (status: number, body: Record<string, unknown>): void => {
        const source = c.req.param('source')
        if (metrics) recordIngest(metrics, source, ingest.getRuleSet().sources.has(source), status, body)
      }
      const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming
      try {
        const rawBody = await readRawBody(c.req.raw, options.maxBodyBytes, incoming)
        const headers = incoming ? flattenHeaders(incoming.headers) : Object.fromEntries(c.req.raw.headers)
        const result = await acceptWebhook(ingest, c.req.param('source'), {
          method: c.req.method,
          headers,
          query: c.req.query(),
          rawBody,
        })
        observe(result.status, result.body)
        if (result.storeReached) storeOutage.recovered()
        return c.json(result.body, result.status)
      } catch (err) {
        const res = toErrorResponse(err)
        const storeDown = err instanceof HookyardError && err.code === 'STORE_UNAVAILABLE'
        const sendersMistake = err instanceof HookyardError && res.status < 500
        const cutOffBody = !storeDown && !sendersMistake && incoming !== undefined && !incoming.complete
        observe(cutOffBody ? REQUEST_TIMEOUT_STATUS : res.status, res.body)
        if (storeDown) {
          // a known condition: the reason is enough, a stack per request would only repeat itself
          storeOutage.failed({ source: c.req.param('source'), reason: reasonOf(err) })
        } else if (sendersMistake) {
          // the sender's mistake, one line per request like an accepted event's; the reason a
          // signature failed is told only here, never in the answer
          logger.warn({ source: c.req.param('source'), status: res.status, code: err.code, reason: err.message }, 'webhook rejected')
        } else if (cutOffBody) {
          // the body never arrived (HTTP_REQUEST_TIMEOUT answered 408, or the sender hung up): not
          // our failure, and a client holding connections open on purpose must not flood the log
          cutOff.failed({ source: c.req.param('source'), reason: (err as Error).message })
        } else if (res.status >= 500) {
          logger.error({ err, source: c.req.param('source') }, 'webhook failed')
        }
        if (res.status === 503) {
          c.header('Retry-After', RETRY_AFTER_SECONDS)
        }
        return c.json(res.body, res.status)
      }
    })
  }

  if (ingest) {
    // a browser (or curl without -d) checking the relay URL: say what the URL is for, not 404
    app.all('/hooks/:source', (c) => {
      const source = c.req.param('source')
      const known = ingest.getRuleSet().sources.has(source)
      const message =
        `this is a webhook URL: paste it into the sender's webhook settings; it accepts POST only` +
        (known ? '' : ` (and no source named ${JSON.stringify(source)} is configured yet)`)
      return c.json({ error: { code: 'METHOD_NOT_ALLOWED', message } }, 405, { Allow: 'POST' })
    })
  }

  if (options.admin) {
    app.get('/', (c) => c.redirect('/ui'))
    app.route('/api', createAdminRoutes(options.admin))
    app.route('/', createUiRoutes()) // the dashboard at /ui, a client of /api
  }

  app.notFound((c) => c.json({ error: { code: 'NOT_FOUND', message: 'no such endpoint' } }, 404))
  app.onError((err, c) => {
    logger.error({ err }, 'request failed')
    return c.json({ error: { code: 'INTERNAL', message: 'internal error' } }, 500)
  })
  return app
}

/** What Redis (ioredis) said, under the wrapping HookyardError. */
function reasonOf(err: HookyardError): string {
  return err.cause instanceof Error ? err.cause.message : err.message
}
