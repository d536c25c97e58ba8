/**
 * The durable baseline: the least a relay that keeps what it accepts must do. It checks GitHub's
 * X-Hub-Signature-256 over the raw body, writes the body to a Redis stream with one XADD, and
 * answers 202 only after Redis has taken the write. No routing, mapping, dedup or delivery.
 * REDIS_URL and BENCH_SECRET come from the environment.
 *
 * NAIVE_FLOOR=1 makes it the floor: it also parses the body as JSON and stores it compressed as
 * hookyard's store does (store/stored-body.ts), the two steps a relay that routes on the payload
 * and keeps events compact cannot skip. What hookyard spends beyond the floor is its own overhead.
 */
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { Redis } from 'ioredis'
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { encodeBody } from '../src/store/stored-body.ts'

const secret = process.env['BENCH_SECRET'] ?? ''
const floor = process.env['NAIVE_FLOOR'] === '1'
const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379')
const STREAM = 'naive:events'

/** GitHub signs the exact body: `sha256=<hex HMAC-SHA256>`. */
function signatureMatches(body: Buffer, header: string | undefined): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`)
  const given = Buffer.from(header ?? '')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

const app = new Hono()
app.post('/hooks/:source', async (c) => {
  const body = Buffer.from(await c.req.arrayBuffer())
  if (!signatureMatches(body, c.req.header('x-hub-signature-256'))) {
    return c.json({ error: 'X-Hub-Signature-256 does not match the body' }, 401)
  }
  if (!floor) return c.json({ id: await redis.xadd(STREAM, '*', 'body', body) }, 202)
  let event: { ref?: unknown }
  try {
    event = JSON.parse(body.toString('utf8')) as { ref?: unknown }
  } catch {
    return c.json({ error: 'the body is not valid JSON' }, 400)
  }
  const stored = encodeBody(body)
  return c.json({ id: await redis.xadd(STREAM, '*', stored.field, stored.bytes), ref: event.ref }, 202)
})
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => {
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port: (server.address() as AddressInfo).port })}\n`)
})
process.on('SIGTERM', () => server.close(() => void redis.quit().then(() => process.exit(0))))
