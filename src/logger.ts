import { pino, type Logger } from 'pino'

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

/** The one root logger; modules get `logger.child({ component })`. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: 'hookyard',
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '***' },
      base: { pid: process.pid },
    },
    options.destination ?? process.stdout
  )
}
