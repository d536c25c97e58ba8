import { loadConfig, type ConfigFlags } from '../config.ts'
import { ConfigError, HookyardError, RuleError } from '../errors.ts'
import { createLogger } from '../logger.ts'
import { startHookyard } from '../start-hookyard.ts'

/** EX_CONFIG from sysexits.h: the configuration is wrong, restarting will not help. */
const EXIT_CONFIG = 78
/** Grace for a natural exit once shutdown finished. */
const EXIT_AFTER_STOP_MS = 1_000

/** `hookyard serve`: runs until SIGTERM/SIGINT, then shuts down gracefully. */
export async function serveCommand(flags: ConfigFlags, env: Record<string, string | undefined>, version: string): Promise<number> {
  let config
  try {
    config = loadConfig(env, flags)
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`)
      return EXIT_CONFIG
    }
    throw err
  }
  const logger = createLogger({ level: config.logLevel })
  logger.info({ version, role: config.role, redis: config.redisUrl ? 'REDIS_URL' : 'embedded' }, 'hookyard starting')
  // SIGHUP reloads the rules (the file watch does too; this is the explicit, always-working path).
  // Installed before starting: a SIGHUP's default action would kill a process still starting.
  let reloadRules: (() => void) | null = null
  let hangupWhileStarting = false
  const onHangup = (): void => {
    logger.info({ signal: 'SIGHUP' }, 'signal received')
    if (reloadRules) reloadRules()
    else hangupWhileStarting = true
  }
  process.on('SIGHUP', onHangup)
  let running
  try {
    running = await startHookyard({ config, logger, env, version })
  } catch (err) {
    process.off('SIGHUP', onHangup)
    if (err instanceof RuleError) {
      process.stderr.write(`${err.message}\n`)
      logger.fatal({ problems: err.problems.length }, 'rules invalid; not starting')
      return EXIT_CONFIG
    }
    const message = err instanceof HookyardError || err instanceof Error ? err.message : String(err)
    process.stderr.write(`hookyard: ${message}\n`)
    logger.fatal({ err }, 'start failed')
    return 1
  }
  if (config.adminToken === null && config.role !== 'worker') {
    // printed once, to stderr and never through the logger, so log shipping never carries the token
    process.stderr.write(`hookyard: admin API and dashboard: ${dashboardUrl(config.host, running.port, running.adminToken)}\n`)
  }
  const started = running
  reloadRules = () => {
    started.reloadRules('signal').catch((err: unknown) => logger.error({ err }, 'rules reload failed'))
  }
  if (hangupWhileStarting) reloadRules()
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, 'signal received')
      running.stop().then(resolve, (err: unknown) => {
        logger.error({ err }, 'shutdown failed')
        resolve()
      })
    }
    process.once('SIGTERM', onSignal)
    process.once('SIGINT', onSignal)
  })
  // Everything is closed; should a client library still hold a handle (a connection to a Redis that
  // died during shutdown keeps reconnecting), do not let it keep the process alive.
  setTimeout(() => process.exit(0), EXIT_AFTER_STOP_MS).unref()
  return 0
}

/** The UI reads the token from the fragment, which browsers never send to the server. */
function dashboardUrl(host: string, port: number, token: string): string {
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host
  return `http://${shown}:${port}/ui#token=${encodeURIComponent(token)}`
}
