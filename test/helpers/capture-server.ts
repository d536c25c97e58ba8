import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request as a CI target stand-in received it. */
export interface CapturedRequest {
  method: string
  /** path + query, e.g. /api/v4/projects/9/trigger/pipeline */
  url: string
  headers: Record<string, string>
  body: string
  at: number
}

export interface PlannedResponse {
  status: number
  headers?: Record<string, string>
  body?: string
  /** wait this long before answering (a slow or hanging target) */
  delayMs?: number
}

export interface CaptureServer {
  url: string
  requests: CapturedRequest[]
  /** queue responses for the next requests; when the queue is empty, `fallback` answers */
  respondWith(...responses: PlannedResponse[]): void
  fallback: PlannedResponse
  /** requests received and not yet answered, now and at most so far */
  open: number
  maxOpen: number
  close(): Promise<void>
}

/** A real HTTP server on port 0 standing in for a CI system: records every request, answers as told. */
export async function startCaptureServer(): Promise<CaptureServer> {
  const requests: CapturedRequest[] = []
  const planned: PlannedResponse[] = []
  const capture: CaptureServer = {
    url: '',
    requests,
    respondWith: (...responses) => planned.push(...responses),
    fallback: { status: 200, body: '{"ok":true}', headers: { 'content-type': 'application/json' } },
    open: 0,
    maxOpen: 0,
    close: () => new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    capture.open++
    capture.maxOpen = Math.max(capture.maxOpen, capture.open)
    res.once('close', () => capture.open--)
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const headers: Record<string, string> = {}
      for (const [k, v] of Object.entries(req.headers)) {
        headers[k] = Array.isArray(v) ? v.join(', ') : (v ?? '')
      }
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() })
      const answer = planned.shift() ?? capture.fallback
      const send = (): void => {
        res.writeHead(answer.status, answer.headers ?? {})
        res.end(answer.body ?? '')
      }
      if (answer.delayMs) {
        setTimeout(send, answer.delayMs)
      } else {
        send()
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  capture.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return capture
}
