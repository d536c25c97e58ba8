/**
 * Hostile input against a real hookyard (in this process, real HTTP, the test run's Redis):
 * oversized, deeply nested, broken, prototype-polluting and mislabelled bodies, runaway JSONata,
 * header injection, host steering, redirects and targets that answer garbage. Each gets a clear
 * error, and the process keeps accepting and delivering ordinary webhooks.
 */
import { createServer, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDeliveryLog, type DeliveryLog } from '../../src/store/delivery-log.ts'
import { storeKeys } from '../helpers/store-keys.ts'
import { MAX_JSON_DEPTH } from '../../src/sources/parse-body.ts'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { githubHeaders, tokenHeaders } from '../helpers/sign.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'

const GH = 'github-secret-for-hostile-tests'
const APP = 'generic-token-for-hostile-tests'
const MAX_BODY_BYTES = 256 * 1024

const RETRY = 'retry: { attempts: 2, backoff: 100ms, max_backoff: 200ms }'

function rules(urls: { ci: string; redirector: string; raw: string }): string {
  return `
sources:
  gh: { type: github, secret: "\${GH}" }
  app: { type: generic, secret: "\${APP}" }
targets:
  ci: { type: http, url: "${urls.ci}/hooks/", ${RETRY}, timeout: 2s }
  redirector: { type: http, url: "${urls.redirector}/trigger", ${RETRY}, timeout: 2s }
  raw-reset: { type: http, url: "${urls.raw}/reset", ${RETRY}, timeout: 2s }
  raw-garbage: { type: http, url: "${urls.raw}/garbage", ${RETRY}, timeout: 2s }
  raw-huge: { type: http, url: "${urls.raw}/huge", ${RETRY}, timeout: 2s }
routes:
  - name: github-forward
    source: gh
    to: ci
    map: '{ "body": { "n": body.n, "kind": "github" } }'
  - name: normal
    source: app
    when: body.kind = "normal"
    to: ci
    map: '{ "body": { "n": body.n } }'
  - name: runaway-range
    source: app
    when: body.kind = "range"
    to: ci
    map: '{ "body": { "n": $count([1..1e9]) } }'
  - name: runaway-recursion
    source: app
    when: 'body.kind = "recursion" and ($f := function($x){ $f($x + 1) }; $f(0))'
    to: ci
  - name: runaway-stack
    source: app
    when: body.kind = "stack"
    to: ci
    map: '($f := function($x){ 1 + $f($x + 1) }; $f(0))'
  - name: steer
    source: app
    when: body.kind = "steer"
    to: ci
    map: '{ "path": body.path, "query": body.query, "headers": body.headers, "body": { "n": body.n } }'
  - name: redirected
    source: app
    when: body.kind = "redirect"
    to: redirector
  - name: garbage-targets
    source: app
    when: body.kind = "garbage"
    to: [raw-reset, raw-garbage, raw-huge]
`
}

interface Accepted {
  event: string
  deliveries: { id: string; route: string; target: string; status: 'queued' | 'failed'; error?: string }[]
  routes: { route: string; status: string; reason?: string }[]
}

/**
 * A TCP server that speaks broken HTTP, chosen by the request path: `/reset` destroys the
 * connection, `/garbage` answers with something that is not HTTP, `/huge` answers 503 with an
 * endless chunked body (counting what it managed to write before the client hung up).
 */
interface RawTarget {
  url: string
  hits: Record<string, number>
  hugeBytesWritten: number[]
  close(): Promise<void>
}

async function startRawTarget(): Promise<RawTarget> {
  const sockets = new Set<Socket>()
  const raw: RawTarget = { url: '', hits: {}, hugeBytesWritten: [], close: () => Promise.resolve() }
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
    let head = ''
    socket.on('data', (chunk: Buffer) => {
      if (head.includes('\r\n\r\n')) return
      head += chunk.toString('latin1')
      if (!head.includes('\r\n\r\n')) return
      const path = /^\w+ (\S+) /.exec(head)?.[1] ?? ''
      raw.hits[path] = (raw.hits[path] ?? 0) + 1
      if (path === '/reset') {
        socket.resetAndDestroy()
      } else if (path === '/garbage') {
        socket.end('THIS IS NOT HTTP\r\n\r\n\u0000\u0001\u0002')
      } else if (path === '/huge') {
        socket.write('HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n')
        const chunk = Buffer.alloc(64 * 1024, 'x')
        const frame = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')])
        const index = raw.hugeBytesWritten.push(0) - 1
        const pump = (): void => {
          // endless, bounded only as a safety net for a client that never stops reading
          while (!socket.destroyed && raw.hugeBytesWritten[index]! < 200 * 1024 * 1024) {
            raw.hugeBytesWritten[index]! += frame.length
            if (!socket.write(frame)) {
              socket.once('drain', pump)
              return
            }
          }
        }
        pump()
      } else {
        socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n')
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  raw.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  raw.close = () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy()
      server.close(() => resolve())
    })
  return raw
}

describe('hostile input against a running hookyard', () => {
  let ci: CaptureServer
  let evil: CaptureServer
  let redirector: CaptureServer
  let raw: RawTarget
  let hy: TestHookyard
  let log: DeliveryLog
  let n = 0

  beforeAll(async () => {
    ;[ci, evil, redirector, raw] = await Promise.all([startCaptureServer(), startCaptureServer(), startCaptureServer(), startRawTarget()])
    hy = await startTestHookyard({
      rules: { 'hostile.yaml': rules({ ci: ci.url, redirector: redirector.url, raw: raw.url }) },
      env: { GH, APP, MAX_BODY_BYTES: String(MAX_BODY_BYTES) },
    })
    log = createDeliveryLog(hy.redis, storeKeys(hy.prefix), 3600_000)
  })
  afterAll(async () => {
    await hy?.stop()
    await Promise.all([ci?.close(), evil?.close(), redirector?.close(), raw?.close()])
  })

  /** Nothing, in any test, ever reaches the "evil" host. */
  afterAll(() => {
    expect(evil.requests).toEqual([])
  })

  const signedGithub = (body: string | Buffer, contentType = 'application/json') =>
    hy.post('gh', body, { ...githubHeaders(GH, 'push', body), 'content-type': contentType })
  const postApp = (payload: unknown) => hy.post('app', JSON.stringify(payload), tokenHeaders(APP))

  async function delivered(id: string): Promise<void> {
    await expect.poll(async () => (await log.getDelivery(id))?.status, { timeout: 10_000 }).toBe('delivered')
    expect(ci.requests.some((r) => r.headers['x-hookyard-delivery'] === id)).toBe(true)
  }

  /** The proof that the process still works: an ordinary webhook is accepted (202) and delivered. */
  async function expectStillWorking(): Promise<void> {
    const body = JSON.stringify({ n: ++n })
    const res = await signedGithub(body)
    expect(res.status).toBe(202)
    const accepted = (await res.json()) as Accepted
    expect(accepted.deliveries).toMatchObject([{ route: 'github-forward', target: 'ci', status: 'queued' }])
    await delivered(accepted.deliveries[0]!.id)
    const received = ci.requests.find((r) => r.headers['x-hookyard-delivery'] === accepted.deliveries[0]!.id)!
    expect(JSON.parse(received.body)).toEqual({ n, kind: 'github' })
  }

  async function expectBodyError(res: Response, message: string | RegExp): Promise<void> {
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    const body = (await res.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('BODY_INVALID')
    expect(body.error.message).toMatch(message)
  }

  describe('oversized bodies', () => {
    it('answers 413 to a declared Content-Length over the limit, before any body arrives', async () => {
      const res = await signedGithub(Buffer.alloc(MAX_BODY_BYTES + 1, 'a'))
      expect(res.status).toBe(413)
      expect(await res.json()).toEqual({ error: { code: 'BODY_TOO_LARGE', message: `body exceeds the limit of ${MAX_BODY_BYTES} bytes` } })

      // a raw request declaring 10 GB and sending nothing: the answer cannot depend on reading it
      const { Socket } = await import('node:net')
      const socket = new Socket()
      const port = new URL(hy.url).port
      const statusLine = await new Promise<string>((resolve, reject) => {
        let data = ''
        socket.on('data', (c: Buffer) => {
          data += c.toString('latin1')
          if (data.includes('\r\n')) resolve(data.slice(0, data.indexOf('\r\n')))
        })
        socket.on('error', reject)
        socket.connect(Number(port), '127.0.0.1', () => {
          socket.write(`POST /hooks/gh HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n`)
        })
      })
      socket.destroy()
      expect(statusLine).toBe('HTTP/1.1 413 Payload Too Large')
      await expectStillWorking()
    })

    it('answers 413 to a streamed 50 MB chunked body without buffering it', async () => {
      const chunk = new Uint8Array(64 * 1024).fill(0x61)
      const total = 50 * 1024 * 1024
      let produced = 0
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (produced >= total) {
            controller.close()
            return
          }
          produced += chunk.length
          controller.enqueue(chunk) // the same bytes every time: the client allocates nothing
        },
      })
      const rssBefore = process.memoryUsage().rss
      const res = await fetch(`${hy.url}/hooks/gh`, {
        method: 'POST',
        body: stream,
        duplex: 'half',
        headers: { ...githubHeaders(GH, 'push', 'whatever'), 'content-type': 'application/json' },
      })
      expect(res.status).toBe(413)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BODY_TOO_LARGE')
      const growth = process.memoryUsage().rss - rssBefore
      // the server holds at most MAX_BODY_BYTES of it; buffering would cost 50 MB or more
      expect(growth).toBeLessThan(30 * 1024 * 1024)
      await expectStillWorking()
    })
  })

  describe('bodies that are signed correctly but hostile', () => {
    it('refuses 100k levels of nesting with a clear 400', async () => {
      await expectBodyError(await signedGithub('['.repeat(100_000) + ']'.repeat(100_000)), `body nests arrays/objects deeper than ${MAX_JSON_DEPTH} levels`)
      await expectBodyError(await signedGithub('{"n":'.repeat(40_000) + '1' + '}'.repeat(40_000)), /deeper than/)
      await expectStillWorking()
    })

    it('refuses invalid UTF-8 with a clear 400', async () => {
      await expectBodyError(await signedGithub(Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0xff, 0x22, 0x7d])), 'body is not valid UTF-8')
      await expectStillWorking()
    })

    it('accepts duplicate keys with the last one winning (documented)', async () => {
      const res = await signedGithub('{"n":1,"n":2}')
      expect(res.status).toBe(202)
      const accepted = (await res.json()) as Accepted
      await delivered(accepted.deliveries[0]!.id)
      const received = ci.requests.find((r) => r.headers['x-hookyard-delivery'] === accepted.deliveries[0]!.id)!
      expect(JSON.parse(received.body)).toEqual({ n: 2, kind: 'github' })
      await expectStillWorking()
    })

    it('accepts __proto__/constructor keys without polluting anything in the process', async () => {
      const body = '{"__proto__":{"n":666,"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"n":7}'
      const res = await signedGithub(body)
      expect(res.status).toBe(202)
      const accepted = (await res.json()) as Accepted
      await delivered(accepted.deliveries[0]!.id)
      const received = ci.requests.find((r) => r.headers['x-hookyard-delivery'] === accepted.deliveries[0]!.id)!
      expect(JSON.parse(received.body)).toEqual({ n: 7, kind: 'github' })
      // hookyard runs in this very process: Object.prototype is what it used
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
      expect(Object.keys(Object.prototype)).toEqual([])
      await expectStillWorking()
    })

    it('refuses XML and multipart with a clear 400, and reads JSON labelled text/plain (documented)', async () => {
      await expectBodyError(await signedGithub('<?xml version="1.0"?><push><n>1</n></push>', 'application/xml'), /^body is not valid JSON/)
      const multipart = '--XyZ\r\nContent-Disposition: form-data; name="payload"\r\n\r\n{"n":1}\r\n--XyZ--\r\n'
      await expectBodyError(await signedGithub(multipart, 'multipart/form-data; boundary=XyZ'), /^body is not valid JSON/)
      const res = await signedGithub(JSON.stringify({ n: 3 }), 'text/plain')
      expect(res.status).toBe(202)
      await expectStillWorking()
    })
  })

  describe('runaway JSONata in a route', () => {
    it.each([
      ['range', 'runaway-range', 'D2014'],
      ['recursion', 'runaway-recursion', 'D1012'],
      ['stack', 'runaway-stack', 'D1011'],
    ])('answers a %s runaway with the route in error, naming the JSONata code', async (kind, route, code) => {
      const res = await postApp({ kind, n: ++n })
      expect(res.status).toBe(200)
      const body = (await res.json()) as Accepted & { reason: string }
      expect(body.deliveries).toEqual([])
      expect(body.reason).toBe('no route matched; some routes failed (see routes)')
      const outcome = body.routes.find((r) => r.route === route)
      expect(outcome).toMatchObject({ status: 'error' })
      // where the route is written, then the JSONata code
      expect(outcome!.reason).toMatch(new RegExp(`/hostile\\.yaml:\\d+: route ${route}: ${code}: `))
      await expectStillWorking()
    })

    it('accepts every normal request of a batch fired together with runaway ones', async () => {
      const normal = Array.from({ length: 20 }, () => ({ kind: 'normal', n: ++n }))
      const runaway = ['recursion', 'stack', 'range', 'recursion'].map((kind) => ({ kind, n: ++n }))
      // a runaway after every five normal requests, all in flight at once
      const all = normal.flatMap((payload, i) => (i % 5 === 4 ? [payload, runaway[(i - 4) / 5]!] : [payload]))
      expect(all).toHaveLength(24)
      const responses = await Promise.all(all.map(async (payload) => ({ payload, res: await postApp(payload) })))
      for (const { payload, res } of responses) {
        expect(res.status, JSON.stringify(payload)).toBe(payload.kind === 'normal' ? 202 : 200)
      }
      const ids = await Promise.all(
        responses.filter(({ payload }) => payload.kind === 'normal').map(async ({ res }) => ((await res.json()) as Accepted).deliveries[0]!.id)
      )
      expect(ids).toHaveLength(20)
      await Promise.all(ids.map(delivered))
    })
  })

  describe('mapped values that try to inject headers or steer the request', () => {
    it('fails a delivery whose mapped header has CR/LF at once, naming route and target, and sends nothing', async () => {
      const res = await postApp({ kind: 'steer', n: ++n, headers: { 'X-Inject': 'a\r\nHost: evil.example' } })
      expect(res.status).toBe(202)
      const body = (await res.json()) as Accepted
      expect(body.deliveries).toEqual([
        {
          id: expect.any(String),
          route: 'steer',
          target: 'ci',
          status: 'failed',
          error: 'route steer, target ci: http: header X-Inject has a control character (CR, LF, ...) in its value',
        },
      ])
      const id = body.deliveries[0]!.id
      await expect.poll(async () => (await log.getDelivery(id))?.status).toBe('failed')
      expect(await log.listAttempts(id)).toEqual([])
      expect(ci.requests.filter((r) => r.headers['x-hookyard-delivery'] === id)).toEqual([])
      expect(ci.requests.filter((r) => r.headers['x-inject'] !== undefined)).toEqual([])
    })

    it('fails a delivery whose mapped header is outside Latin-1 at once instead of retrying a doomed send', async () => {
      const res = await postApp({ kind: 'steer', n: ++n, headers: { 'X-Name': 'caf\u00e9 \u20ac' } })
      expect(res.status).toBe(202)
      const [delivery] = ((await res.json()) as Accepted).deliveries
      expect(delivery).toMatchObject({ route: 'steer', target: 'ci', status: 'failed' })
      expect(delivery!.error).toMatch(/^route steer, target ci: http: header X-Name has a character outside Latin-1/)
      await expect.poll(async () => (await log.getDelivery(delivery!.id))?.status).toBe('failed')
      expect(await log.listAttempts(delivery!.id)).toEqual([])
    })

    it('never sends a payload-steered request anywhere but the configured host', async () => {
      const evilHost = new URL(evil.url).host
      type Steering = { path?: string; query?: Record<string, string>; headers?: Record<string, string> }
      // [what the payload maps, whether the preset refuses it outright]
      const attempts: [Steering, boolean][] = [
        [{ path: `//${evilHost}/x` }, true],
        [{ path: `${evil.url}/x` }, true],
        [{ path: `@${evilHost}/x` }, true],
        [{ path: `user:pw@${evilHost}/x` }, true],
        [{ path: '..' }, true],
        [{ path: '../../x' }, true],
        [{ path: '%2e%2e/%2e%2e/x' }, true],
        [{ path: `\\${evilHost}\\x` }, true],
        [{ headers: { Host: evilHost } }, true],
        // an encoded "/" inside a segment is refused like a raw one
        [{ path: `%2F%2F${evilHost}` }, true],
        // these stay plain path segments, query data or an ordinary header on the configured host
        [{ path: `http:${evilHost}/x` }, false],
        [{ path: 'builds/ok' }, false],
        [{ query: { url: `${evil.url}/x`, redirect: `//${evilHost}`, '@': evilHost } }, false],
        [{ headers: { 'X-Forwarded-Host': evilHost } }, false],
      ]
      const results = await Promise.all(
        attempts.map(async ([steering, refused]) => {
          const res = await postApp({ kind: 'steer', n: ++n, ...steering })
          expect(res.status).toBe(202)
          return { steering, refused, delivery: ((await res.json()) as Accepted).deliveries[0]! }
        })
      )
      for (const r of results) {
        expect(r.delivery.status, JSON.stringify(r.steering)).toBe(r.refused ? 'failed' : 'queued')
        if (r.refused) expect(r.delivery.error).toMatch(/^route steer, target ci: http: /)
      }
      // whatever was sent went to the configured host, under the configured path
      const queued = results.filter((r) => !r.refused)
      await Promise.all(queued.map((r) => delivered(r.delivery.id)))
      for (const r of queued) {
        const received = ci.requests.find((q) => q.headers['x-hookyard-delivery'] === r.delivery.id)!
        expect(received.url.startsWith('/hooks/'), received.url).toBe(true)
        expect(received.headers['host']).toBe(new URL(ci.url).host)
      }
      expect(evil.requests).toEqual([])
    })
  })

  describe('targets that misbehave', () => {
    it('does not follow a redirect to another host: the delivery fails permanently, naming the redirect', async () => {
      redirector.respondWith({ status: 302, headers: { location: `${evil.url}/stolen` }, body: 'moved' })
      const res = await postApp({ kind: 'redirect', n: ++n })
      expect(res.status).toBe(202)
      const id = ((await res.json()) as Accepted).deliveries[0]!.id
      await expect.poll(async () => (await log.getDelivery(id))?.status, { timeout: 10_000 }).toBe('failed')
      expect((await log.getDelivery(id))!.error).toBe('HTTP 302: redirects are not followed')
      expect(await log.listAttempts(id)).toMatchObject([{ attempt: 1, status: 302, outcome: 'failed', reason: 'HTTP 302: redirects are not followed' }])
      expect(redirector.requests).toHaveLength(1)
      expect(evil.requests).toEqual([])
    })

    it('retries a reset connection, a non-HTTP answer and an endless body, reading only an excerpt of the latter', async () => {
      const res = await postApp({ kind: 'garbage', n: ++n })
      expect(res.status).toBe(202)
      const deliveries = ((await res.json()) as Accepted).deliveries
      expect(deliveries.map((d) => [d.target, d.status])).toEqual([
        ['raw-reset', 'queued'],
        ['raw-garbage', 'queued'],
        ['raw-huge', 'queued'],
      ])
      for (const d of deliveries) {
        await expect.poll(async () => (await log.getDelivery(d.id))?.status, { timeout: 15_000 }).toBe('failed')
        const attempts = await log.listAttempts(d.id)
        expect(attempts.map((a) => a.outcome), d.target).toEqual(['retry', 'failed'])
        if (d.target === 'raw-huge') {
          expect(attempts.map((a) => a.status)).toEqual([503, 503])
          for (const a of attempts) expect(a.response_excerpt.length).toBeLessThanOrEqual(2048)
        } else {
          expect(attempts.map((a) => a.status)).toEqual([null, null])
        }
      }
      expect(raw.hits).toMatchObject({ '/reset': 2, '/garbage': 2, '/huge': 2 })
      // the endless body was abandoned after the excerpt, nowhere near the 200 MB safety net
      await expect.poll(() => raw.hugeBytesWritten.length).toBe(2)
      for (const written of raw.hugeBytesWritten) expect(written).toBeLessThan(32 * 1024 * 1024)
      await expectStillWorking()
    })
  })
})
