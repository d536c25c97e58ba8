import { serve } from '@hono/node-server'
import type { Server as HttpServer } from 'node:http'
import type { HttpLimits } from '../config.ts'
import type { Logger } from '../logger.ts'
import { createRateLimitedLog } from '../rate-limited-log.ts'

export interface ListenOptions {
  port: number
  hostname: string
  limits: HttpLimits
  logger: Logger
}

/** Node checks the header and request timeouts only this often (its default, 30 s, would add up to 30 s to each). */
const MAX_CHECK_INTERVAL_MS = 1_000

/**
 * Starts the HTTP server with limits on what one client can hold: a client that sends its headers
 * or body slowly is answered 408 and cut off, an idle keep-alive connection is closed, and
 * connections past the cap are closed as soon as they open (Node's defaults would let a client
 * dribbling a byte every few seconds hold a socket for five minutes, and open as many as it likes).
 */
export function listenHttp(fetch: (req: Request) => Response | Promise<Response>, options: ListenOptions): Promise<HttpServer> {
  const { limits, logger } = options
  return new Promise((resolve, reject) => {
    // serve() without TLS/HTTP2 options always creates a node:http server
    const server = serve(
      {
        fetch,
        port: options.port,
        hostname: options.hostname,
        serverOptions: {
          headersTimeout: limits.headersTimeoutMs,
          requestTimeout: limits.requestTimeoutMs,
          connectionsCheckingInterval: Math.min(MAX_CHECK_INTERVAL_MS, Math.ceil(limits.headersTimeoutMs / 2)),
        },
      },
      () => resolve(server)
    ) as HttpServer
    server.keepAliveTimeout = limits.keepAliveTimeoutMs
    server.maxConnections = limits.maxConnections
    const refused = createRateLimitedLog({
      logger,
      level: 'warn',
      message: `connections refused: ${limits.maxConnections} are open already (HTTP_MAX_CONNECTIONS)`,
    })
    // no "recovered" line: at the cap, connections close and open all the time, which would log each
    server.on('drop', () => refused.failed({}))
    server.once('error', reject)
  })
}
