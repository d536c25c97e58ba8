import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { githubBranchPush } from '../helpers/fixtures.ts'
import { githubHeaders } from '../helpers/sign.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'

const GH = 'github-secret-for-connection-limits'

function rules(targetUrl: string): Record<string, string> {
  return {
    'hooks.yaml': `
sources:
  github: { type: github, secret: "\${GH}" }
targets:
  ci: { type: http, url: ${targetUrl}/ci }
routes:
  - { name: pushes, source: github, to: ci, map: '{ "body": { "sha": push.sha } }' }
`,
  }
}

/** A raw client socket: what it received, and when the server closed it. */
interface RawClient {
  socket: Socket
  received(): string
  /** resolves with the ms from connect to close */
  closed: Promise<number>
}

async function openRaw(port: number): Promise<RawClient> {
  const socket = connect(port, '127.0.0.1')
  let text = ''
  socket.on('data', (d: Buffer) => (text += d.toString('latin1')))
  socket.on('error', () => undefined) // a refused connection may be reset rather than closed
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  const openedAt = Date.now()
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - openedAt)))
  return { socket, received: () => text, closed }
}

/** Writes `chunks` one by one, `everyMs` apart, until the socket closes or they run out. */
function dribble(socket: Socket, chunks: string[], everyMs: number): () => void {
  let i = 0
  const timer = setInterval(() => {
    if (socket.destroyed || i >= chunks.length) {
      clearInterval(timer)
      return
    }
    socket.write(chunks[i++]!)
  }, everyMs)
  return () => clearInterval(timer)
}

/** One keep-alive GET /healthz on a raw socket: the answer once it is complete, or what came before the socket closed. */
function healthz(client: RawClient): Promise<string> {
  const before = client.received().length
  client.socket.write('GET /healthz HTTP/1.1\r\nHost: hookyard\r\nConnection: keep-alive\r\n\r\n')
  return new Promise((resolve) => {
    const answer = (): string => client.received().slice(before)
    const done = (): void => {
      client.socket.off('data', onData)
      client.socket.off('close', done)
      resolve(answer())
    }
    // added after openRaw's own listener, so `received()` already holds the chunk
    const onData = (): void => {
      if (answer().includes('{"status":"ok"}')) done()
    }
    client.socket.on('data', onData)
    client.socket.once('close', done)
  })
}

describe('slow and idle clients are cut off', () => {
  const HEADERS_MS = 400
  const REQUEST_MS = 800
  const KEEP_ALIVE_MS = 300
  let target: CaptureServer
  let hy: TestHookyard
  let port: number

  beforeAll(async () => {
    target = await startCaptureServer()
    hy = await startTestHookyard({
      rules: rules(target.url),
      env: { GH, HTTP_HEADERS_TIMEOUT: `${HEADERS_MS}ms`, HTTP_REQUEST_TIMEOUT: `${REQUEST_MS}ms`, HTTP_KEEP_ALIVE_TIMEOUT: `${KEEP_ALIVE_MS}ms` },
    })
    port = hy.app.port
  })
  afterAll(async () => {
    await hy.stop()
    await target.close()
  })

  it('answers 408 and closes a connection whose headers arrive too slowly', async () => {
    const client = await openRaw(port)
    const headerLines = ['POST /hooks/github HTTP/1.1\r\n', 'Host: hookyard\r\n', ...Array.from({ length: 100 }, (_, i) => `X-Slow-${i}: 1\r\n`)]
    const stop = dribble(client.socket, headerLines, 50)
    const after = await client.closed
    stop()
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /)
    expect(after).toBeGreaterThanOrEqual(HEADERS_MS - 50)
    expect(after).toBeLessThan(HEADERS_MS + 1_500)
  })

  it('answers 408 and closes a connection whose body is dribbled', async () => {
    const body = JSON.stringify(githubBranchPush())
    const head = Object.entries({ ...githubHeaders(GH, 'push', body), host: 'hookyard', 'content-length': String(body.length) })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')
    const client = await openRaw(port)
    client.socket.write(`POST /hooks/github HTTP/1.1\r\n${head}\r\n`)
    const stop = dribble(client.socket, [...body], 50)
    const after = await client.closed
    stop()
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /)
    expect(after).toBeGreaterThanOrEqual(REQUEST_MS - 50)
    expect(after).toBeLessThan(REQUEST_MS + 1_500)
    expect(target.requests).toHaveLength(0)
    // the half-read request is not an error of hookyard's: one warning, no stack
    await expect.poll(() => hy.logs.filter((l) => l.includes('closed before their body arrived')), { timeout: 5_000 }).toHaveLength(1)
    expect(JSON.parse(hy.logs.find((l) => l.includes('closed before their body arrived'))!)).toMatchObject({ level: 40, source: 'github', reason: 'aborted' })
    expect(hy.logs.filter((l) => l.includes('"level":50'))).toEqual([])
    // counted as a body that never arrived, not as a failure of hookyard's
    const metrics = await (await fetch(`${hy.url}/metrics`)).text()
    expect(metrics).toContain('hookyard_events_received_total{source="github",outcome="incomplete"} 1')
    expect(metrics).not.toContain('outcome="error"')
  })

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const client = await openRaw(port)
    expect(await healthz(client)).toMatch(/^HTTP\/1\.1 200 /)
    const answeredAt = Date.now()
    await client.closed
    const idle = Date.now() - answeredAt
    expect(idle).toBeGreaterThanOrEqual(KEEP_ALIVE_MS - 50)
    // Node closes idle sockets a second past the timeout it advertises, against races with clients
    expect(idle).toBeLessThan(KEEP_ALIVE_MS + 2_500)
  })

  it('still takes an ordinary webhook, a 1 MiB one included', async () => {
    const body = JSON.stringify({ ...githubBranchPush(), padding: 'x'.repeat(1024 * 1024) })
    const res = await hy.post('github', body, githubHeaders(GH, 'push', body))
    expect(res.status).toBe(202)
    await expect.poll(() => target.requests.length, { timeout: 10_000 }).toBe(1)
  })
})

describe('connections past HTTP_MAX_CONNECTIONS', () => {
  const MAX = 3
  let target: CaptureServer
  let hy: TestHookyard

  beforeAll(async () => {
    target = await startCaptureServer()
    hy = await startTestHookyard({ rules: rules(target.url), env: { GH, HTTP_MAX_CONNECTIONS: String(MAX), HTTP_KEEP_ALIVE_TIMEOUT: '1m' } })
  })
  afterAll(async () => {
    await hy.stop()
    await target.close()
  })

  it('are closed at once while the open ones keep working, and a freed slot takes a new one', async () => {
    const held: RawClient[] = []
    for (let i = 0; i < MAX; i++) {
      const client = await openRaw(hy.app.port)
      await healthz(client) // answered: the server has counted this connection
      held.push(client)
    }

    const over = await openRaw(hy.app.port)
    await over.closed
    expect(over.received()).toBe('')
    await expect.poll(() => hy.logs.filter((l) => l.includes('connections refused')), { timeout: 5_000 }).toHaveLength(1)
    expect(JSON.parse(hy.logs.find((l) => l.includes('connections refused'))!)).toMatchObject({
      level: 40,
      msg: `connections refused: ${MAX} are open already (HTTP_MAX_CONNECTIONS)`,
    })

    for (const client of held) {
      expect(await healthz(client)).toMatch(/^HTTP\/1\.1 200 /)
    }

    held[0]!.socket.end()
    await held[0]!.closed
    // the server notices the close a moment after the client
    await expect
      .poll(
        async () => {
          const next = await openRaw(hy.app.port)
          try {
            return (await healthz(next)).slice(0, 12)
          } finally {
            next.socket.destroy()
          }
        },
        { timeout: 5_000 }
      )
      .toBe('HTTP/1.1 200')
    for (const client of held.slice(1)) client.socket.destroy()
  })
})
