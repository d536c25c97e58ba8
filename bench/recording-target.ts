import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RecordingTarget {
  url: string
  count(): number
  /** time the last request arrived (ms since epoch) */
  lastAt(): number
  close(): Promise<void>
}

/** A minimal CI stand-in for throughput runs: counts what it receives and answers 200 at once. */
export async function startRecordingTarget(): Promise<RecordingTarget> {
  let count = 0
  let lastAt = 0
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      count++
      lastAt = Date.now()
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    count: () => count,
    lastAt: () => lastAt,
    close: () => new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}
