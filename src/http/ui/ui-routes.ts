import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { Hono, type Context } from 'hono'
import { pageHtml } from './page-html.ts'

interface Asset {
  body: string
  type: string
  etag: string
}

/**
 * The page may load only its own scripts and styles and talk only to this server: the admin
 * token it holds can never leave for another origin, and injected markup could not run.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

function asset(body: string, type: string): Asset {
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` }
}

const JS = 'text/javascript; charset=utf-8'
const CSS = 'text/css; charset=utf-8'

/** The files in ./assets, read once when hookyard starts: served as they are, no build step. */
function assetFile(name: string, type: string): [string, Asset] {
  return [name, asset(readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8'), type)]
}

const ASSETS = new Map<string, Asset>([
  assetFile('app.js', JS),
  assetFile('api.js', JS),
  assetFile('dom.js', JS),
  assetFile('icons.js', JS),
  assetFile('lists.js', JS),
  assetFile('drawer.js', JS),
  assetFile('schedules.js', JS),
  assetFile('style.css', CSS),
])
const PAGE = asset(pageHtml, 'text/html; charset=utf-8')

function send(c: Context, a: Asset): Response {
  c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
  c.header('X-Content-Type-Options', 'nosniff')
  c.header('Referrer-Policy', 'no-referrer')
  c.header('X-Frame-Options', 'DENY')
  // revalidated on every load: a restarted, upgraded hookyard never runs a stale script
  c.header('Cache-Control', 'no-cache')
  c.header('ETag', a.etag)
  if (c.req.header('if-none-match') === a.etag) {
    return c.body(null, 304)
  }
  c.header('Content-Type', a.type)
  return c.body(a.body, 200)
}

/**
 * The dashboard: one HTML page with its CSS and ES modules (src/http/ui/assets), all kept in
 * memory and served by hookyard itself (no build step, nothing fetched from elsewhere). Its data comes from /api with
 * the admin token the page reads from its URL fragment; the page itself needs no token.
 */
export function createUiRoutes(): Hono {
  const ui = new Hono()
  ui.get('/ui', (c) => send(c, PAGE))
  ui.get('/ui/', (c) => send(c, PAGE))
  ui.get('/ui/assets/:name', (c) => {
    const a = ASSETS.get(c.req.param('name'))
    if (!a) {
      return c.json({ error: { code: 'NOT_FOUND', message: 'no such asset' } }, 404)
    }
    return send(c, a)
  })
  return ui
}
