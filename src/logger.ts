import { pino, type DestinationStream, type Logger } from 'pino'

export type { Logger }

/**
 * Header and field names whose values are secrets: tokens, signatures, api keys.
 * Redacted by pino wherever they appear in a logged object.
 */
const REDACT_PATHS = [
  'headers.authorization',
  'headers["x-gitlab-token"]',
  'headers["x-hub-signature"]',
  'headers["x-hub-signature-256"]',
  'headers["x-gitea-signature"]',
  'headers["x-forgejo-signature"]',
  'headers["x-hookyard-token"]',
  'headers["x-apikey"]',
  '*.headers.authorization',
  '*.headers["x-apikey"]',
  'secret',
  'secrets',
  'token',
  'api_key',
  '*.secret',
  '*.secrets',
  '*.token',
  '*.api_key',
]

export interface LoggerOptions {
  level: string
  /** where lines go; default stdout */
  destination?: NodeJS.WritableStream
}

/** Log lines are written in blocks of at least this many bytes, or after FLUSH_INTERVAL_MS. */
const BUFFER_BYTES = 4096
const FLUSH_INTERVAL_MS = 200

/**
 * Without a destination: stdout, buffered. One write(2) per line would cost more than the request
 * it describes; lines are written in blocks instead, at the latest FLUSH_INTERVAL_MS later, and
 * pino flushes what is left when the process exits.
 */
function bufferedStdout(): DestinationStream {
  const stream = pino.destination({ dest: 1, sync: false, minLength: BUFFER_BYTES })
  setInterval(() => {
    try {
      stream.flush()
    } catch {
      // closed: the exit flush already wrote what was left
    }
  }, FLUSH_INTERVAL_MS).unref()
  return stream
}

/** The one root logger; modules get `logger.child({ component })`. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: 'hookyard',
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '***' },
      base: { pid: process.pid },
    },
    options.destination ?? bufferedStdout()
  )
}
