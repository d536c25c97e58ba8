import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminClient, type AdminClient, type DeliveryDetail, type EventDetail } from '../helpers/admin-client.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'

const APP_TOKEN = 'url-secrets-app-token-42'
const QUERY_TOKEN = 's3cr3t-query-value-123'

const RULES = `
sources:
  app:
    type: generic
    secret: \${APP_TOKEN}
targets:
  receiver:
    type: http
    url: "\${ECHO_URL}/hook?token=${QUERY_TOKEN}"
    retry: { attempts: 1 }
routes:
  - name: everything
    source: app
    to: [receiver]
    map: '{ "query": { "n": body.n }, "body": { "n": body.n } }'
`

/** A real receiver that answers with the URL it was called at, as many echo and debug endpoints do. */
async function startEchoServer(): Promise<{ url: string; received: string[]; server: Server }> {
  const received: string[] = []
  const server = createServer((req, res) => {
    received.push(req.url ?? '')
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-called-at': req.url ?? '' })
      res.end(JSON.stringify({ called: req.url }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server }
}

describe('a token in an http target URL query is masked in every admin output', () => {
  let echo: Awaited<ReturnType<typeof startEchoServer>>
  let hy: TestHookyard
  let api: AdminClient

  beforeAll(async () => {
    echo = await startEchoServer()
    hy = await startTestHookyard({ rules: { 'app.yaml': RULES }, env: { APP_TOKEN, ECHO_URL: echo.url } })
    api = adminClient(hy.url, hy.adminToken)
  })
  afterAll(async () => {
    await hy.stop()
    await new Promise((resolve) => echo.server.close(resolve))
  })

  it('the receiver gets the real token; the admin API and the dashboard show token=***', async () => {
    const res = await hy.post('app', JSON.stringify({ n: 7 }), { 'content-type': 'application/json', 'x-hookyard-token': APP_TOKEN })
    expect(res.status).toBe(202)
    const { event, deliveries } = (await res.json()) as { event: string; deliveries: { id: string }[] }
    const id = deliveries[0]!.id
    const detail = () => api.get<DeliveryDetail>(`/api/deliveries/${id}`)
    await expect.poll(async () => (await detail()).json.delivery.status, { timeout: 10_000 }).toBe('delivered')

    expect(echo.received).toEqual([`/hook?token=${QUERY_TOKEN}&n=7`])

    const { json, text } = await detail()
    expect(json.delivery.request?.url).toBe(`${echo.url}/hook?token=***&n=7`)
    expect(json.attempts[0]?.response_excerpt).toBe('{"called":"/hook?token=***&n=7"}')
    expect(json.attempts[0]?.response_headers['x-called-at']).toBe('/hook?token=***&n=7')
    expect(text).not.toContain(QUERY_TOKEN)

    // everything the dashboard reads: its page and the API calls it makes
    const eventDetail = await api.get<EventDetail>(`/api/events/${event}`)
    expect(eventDetail.json.deliveries[0]?.request?.url).toBe(`${echo.url}/hook?token=***&n=7`)
    const page = await fetch(`${hy.url}/ui`)
    expect(page.status).toBe(200)
    expect(await page.text()).not.toContain(QUERY_TOKEN)
    for (const path of ['/api/events', `/api/events/${event}`, '/api/deliveries', '/api/targets', '/api/summary']) {
      const reply = await api.get(path)
      expect(reply.status, path).toBe(200)
      expect(reply.text, path).not.toContain(QUERY_TOKEN)
    }
    expect(hy.logs.join('\n')).not.toContain(QUERY_TOKEN)
  })
})
