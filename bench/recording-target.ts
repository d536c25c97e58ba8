import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RecordingTarget {
  url: string
  count(): number
  /** time the last request arrived (ms since epoch) */
  lastAt(): number
  /** when the first request naming this delivery (X-Hookyard-Delivery) arrived, on the performance.now() clock */
  arrivalOf(deliveryId: string): number | undefined
  close(): Promise<void>
}

/** A minimal CI stand-in for throughput runs: counts what it receives and answers 200 at once. */
export async function startRecordingTarget(): Promise<RecordingTarget> {
  let count = 0
  let lastAt = 0
  // the latency run matches each delivery to the request that caused it by this header
  const arrivals = new Map<string, number>()
  const server = createServer((req, res) => {
    // taken when the headers are in: the time the delivery reached the target, not when its body ended
    const arrived = performance.now()
    const delivery = req.headers['x-hookyard-delivery']
    if (typeof delivery === 'string' && !arrivals.has(delivery)) arrivals.set(delivery, arrived)
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
    arrivalOf: (deliveryId) => arrivals.get(deliveryId),
    close: () => new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}
