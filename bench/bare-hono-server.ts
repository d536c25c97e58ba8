/**
 * The baseline: a bare Hono server on @hono/node-server that only reads the request body and
 * answers 202. Everything hookyard does on top of this is what the benchmark measures.
 */
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import type { AddressInfo } from 'node:net'

const app = new Hono()
app.post('/hooks/:source', async (c) => {
  const body = await c.req.arrayBuffer()
  return c.json({ received: body.byteLength }, 202)
})
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => {
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port: (server.address() as AddressInfo).port })}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
