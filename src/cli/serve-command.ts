import { loadConfig, type ConfigFlags } from '../config.ts'
import { ConfigError, HookyardError, RuleError } from '../errors.ts'
import { createLogger } from '../logger.ts'
import { startHookyard } from '../start-hookyard.ts'

/** EX_CONFIG from sysexits.h: the configuration is wrong, restarting will not help. */
const EXIT_CONFIG = 78
/**
 * Grace for a natural exit once everything is closed. Client libraries keep a timer or two after a
 * close (ioredis waits 2 s for a socket it already ended), which must not delay the exit.
 */
const EXIT_AFTER_STOP_MS = 200

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
  logger.info({ version, role: config.role, redis: config.redis.mode }, 'hookyard starting')
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
  // a fatal error while starting (the embedded Redis lost for good) ends the start's wait below
  let fatal: ((err: Error) => void) | null = null
  let fatalWhileStarting: Error | null = null
  const onFatal = (err: Error): void => {
    if (fatal) fatal(err)
    else fatalWhileStarting ??= err
  }
  let running
  try {
    running = await startHookyard({ config, logger, env, version, onFatal })
  } catch (err) {
    process.off('SIGHUP', onHangup)
    // everything the start opened is closed; should a handle still linger, it must not keep a failed process alive
    exitSoon(EXIT_AFTER_STOP_MS)
    if (err instanceof RuleError) {
      process.stderr.write(`${err.message}\n`)
      logger.fatal({ problems: err.problems.length }, 'rules invalid; not starting')
      return EXIT_CONFIG
    }
    const message = err instanceof HookyardError || err instanceof Error ? err.message : String(err)
    process.stderr.write(`hookyard: ${message}\n`)
    logger.fatal({ err: message }, 'start failed')
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
  const code = await new Promise<number>((resolve) => {
    const stopWith = (code: number, redisLost: boolean): void => {
      running.stop({ redisLost }).then(
        () => resolve(code),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed')
          resolve(1)
        }
      )
    }
    const onSignal = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, 'signal received')
      stopWith(0, false)
    }
    fatal = (err) => {
      // exit 1 so a supervisor (compose, systemd) starts hookyard again instead of a process answering 503 forever
      logger.fatal({ err: err.message }, 'cannot go on; exiting')
      stopWith(1, true)
    }
    process.once('SIGTERM', onSignal)
    process.once('SIGINT', onSignal)
    if (fatalWhileStarting) fatal(fatalWhileStarting)
  })
  // Everything is closed; should a client library still hold a handle (a connection to a Redis that
  // died during shutdown keeps reconnecting), do not let it keep the process alive.
  exitSoon(EXIT_AFTER_STOP_MS)
  return code
}

/** Exits with the code already set (process.exitCode) unless the process ends by itself first. */
function exitSoon(ms: number): void {
  setTimeout(() => process.exit(), ms).unref()
}

/** The UI reads the token from the fragment, which browsers never send to the server. */
function dashboardUrl(host: string, port: number, token: string): string {
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host
  return `http://${shown}:${port}/ui#token=${encodeURIComponent(token)}`
}
