import http from 'node:http'
import https from 'node:https'
import type { OutboundRequest } from '../targets/types.ts'
import type { AttemptResult } from './classify-outcome.ts'

/** How much of a response body an attempt record keeps. */
export const RESPONSE_EXCERPT_BYTES = 2048

export interface SentAttempt {
  result: AttemptResult
  durationMs: number
  /** bounded excerpt of the response body ('' without a response) */
  excerpt: string
  /** the first `bodyBytes` bytes of the response body, for reading what the target answered (not stored) */
  body: string
}

/**
 * Keep-alive agents shared by every attempt. node:http rather than fetch: measured with
 * `npm run bench`, fetch's request cloning and web streams cost more than the rest of a delivery.
 */
const AGENTS = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 256 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 256 }),
}

/**
 * Sends one attempt. Never throws: every failure becomes an AttemptResult. Redirects are never
 * followed (node:http does not), so a trigger reaches the configured host only. The timeout covers
 * the whole attempt; only the first `bodyBytes` (at least RESPONSE_EXCERPT_BYTES) of a response are read.
 */
export function sendAttempt(request: OutboundRequest, timeoutMs: number, signal?: AbortSignal, bodyBytes = RESPONSE_EXCERPT_BYTES): Promise<SentAttempt> {
  const started = performance.now()
  const readBytes = Math.max(bodyBytes, RESPONSE_EXCERPT_BYTES)
  return new Promise((resolve) => {
    let settled = false
    let req: http.ClientRequest | undefined
    const timer = setTimeout(() => {
      finish({ kind: 'timeout' })
      req?.destroy()
    }, timeoutMs)
    const finish = (result: AttemptResult, body: Buffer = Buffer.alloc(0)): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      const excerpt = body.subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8')
      // most targets read no more than the excerpt: decode the bytes once
      const read = readBytes === RESPONSE_EXCERPT_BYTES ? excerpt : body.subarray(0, readBytes).toString('utf8')
      resolve({ result, durationMs: Math.round(performance.now() - started), excerpt, body: read })
    }
    const url = parseUrl(request.url)
    if (!url) {
      finish({ kind: 'network-error', message: 'invalid URL' })
      return
    }
    const body = request.method === 'GET' || request.method === 'HEAD' ? null : Buffer.from(request.body, 'utf8')
    const headers: Record<string, string> = { ...request.headers }
    if (body) headers['Content-Length'] = String(body.length)
    const transport = url.protocol === 'https:' ? https : http
    try {
      req = transport.request(url, { method: request.method, headers, agent: AGENTS[url.protocol] }, onResponse)
    } catch (err) {
      finish({ kind: 'network-error', message: (err as Error).message }) // e.g. a header node:http refuses
      return
    }
    function onResponse(res: http.IncomingMessage): void {
      const chunks: Buffer[] = []
      let size = 0
      const done = (): void => {
        const status = res.statusCode ?? 0
        finish({ kind: 'response', status, headers: flattenHeaders(res.headers) }, Buffer.concat(chunks))
      }
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk)
        size += chunk.length
        if (size >= readBytes) {
          done() // enough for the record: drop the rest (and the connection) instead of reading it all
          res.destroy()
        }
      })
      res.on('end', done)
      // a body that breaks off mid-way still leaves the status, which is what classification needs
      res.on('error', done)
      res.on('aborted', done)
    }
    function onAbort(): void {
      finish({ kind: 'network-error', message: 'aborted' })
      req?.destroy()
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    req.on('error', (err: NodeJS.ErrnoException) => finish({ kind: 'network-error', message: err.code ? `${err.code}: ${err.message}` : err.message }))
    req.end(body ?? undefined)
  })
}

function parseUrl(raw: string): (URL & { protocol: 'http:' | 'https:' }) | null {
  try {
    const url = new URL(raw)
    return url.protocol === 'http:' || url.protocol === 'https:' ? (url as URL & { protocol: 'http:' | 'https:' }) : null
  } catch {
    return null
  }
}

/** Node lower-cases header names; repeated headers are joined as fetch's Headers would. */
export function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}
