import { perRequestLogger, type Logger } from '../logger.ts'

const sourceLoggers = new WeakMap<Logger, Map<string, Logger>>()

/** One child logger per source, made once: building a pino child per request costs more than the line. */
export function sourceLogger(root: Logger, source: string): Logger {
  let bySource = sourceLoggers.get(root)
  if (!bySource) {
    bySource = new Map()
    sourceLoggers.set(root, bySource)
  }
  let child = bySource.get(source)
  if (!child) {
    child = perRequestLogger(root, { source })
    bySource.set(source, child)
  }
  return child
}
