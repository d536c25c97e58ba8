import { randomUUID } from 'node:crypto'
import autocannon from 'autocannon'

export interface LoadResult {
  requestsPerSec: number
  p50Ms: number
  p99Ms: number
  total: number
  non2xx: number
  errors: number
}

export interface LoadOptions {
  url: string
  body: string
  headers: Record<string, string>
  connections: number
  durationSec: number
}

/** autocannon against one URL; every request carries a fresh X-GitHub-Delivery so none is a duplicate. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSec,
    requests: [
      {
        method: 'POST',
        body: options.body,
        headers: options.headers,
        // a fresh sender delivery id per request: every request is a new event, none a duplicate
        setupRequest: (req) => ({ ...req, headers: { ...options.headers, 'x-github-delivery': randomUUID() } }),
      },
    ],
  })
  return {
    requestsPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  }
}
