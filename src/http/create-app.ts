import type { HttpBindings } from '@hono/node-server'
import { Hono } from 'hono'
import { flattenHeaders } from '../delivery/send-attempt.ts'
import type { Logger } from '../logger.ts'
import type { Metrics } from '../metrics/create-metrics.ts'
import { acceptWebhook, type AcceptDeps } from './accept-webhook.ts'
import type { AdminDeps } from './admin-deps.ts'
import { createAdminRoutes } from './admin-routes.ts'
import { createUiRoutes } from './ui/ui-routes.ts'
import { toErrorResponse } from './error-response.ts'
import { recordIngest } from './ingest-metrics.ts'
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
  app.use(async (c, next) => {
    await next()
    if (options.isClosing?.()) {
      c.header('Connection', 'close')
    }
  })
  const { ingest, logger } = options

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
      try {
        const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming
        const rawBody = await readRawBody(c.req.raw, options.maxBodyBytes, incoming)
        const headers = incoming ? flattenHeaders(incoming.headers) : Object.fromEntries(c.req.raw.headers)
        const result = await acceptWebhook(ingest, c.req.param('source'), {
          method: c.req.method,
          headers,
          query: c.req.query(),
          rawBody,
        })
        observe(result.status, result.body)
        return c.json(result.body, result.status)
      } catch (err) {
        const res = toErrorResponse(err)
        observe(res.status, res.body)
        if (res.status >= 500) {
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
