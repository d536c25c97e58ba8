import { parseArgs } from 'node:util'
import { HELP_TEXT } from './help-text.ts'
import { readVersion } from './version.ts'

/*
 * Each command is imported only when it runs: `--version` and `check` must not pay for loading
 * the server stack (bullmq, ioredis, hono, pino), which is most of the start-up time.
 */

/** Entry point of `npx hookyard`: the only place besides commands that reads process.env. Returns the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        rules: { type: 'string' },
        port: { type: 'string' },
        role: { type: 'string' },
        source: { type: 'string' },
        payload: { type: 'string' },
        header: { type: 'string', multiple: true },
        event: { type: 'string' },
        since: { type: 'string' },
        'dry-run': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    })
  } catch (err) {
    process.stderr.write(`hookyard: ${(err as Error).message}\n\n${HELP_TEXT}`)
    return 2
  }
  const { values, positionals } = parsed
  const [command, ...rest] = positionals
  if (values.version) {
    process.stdout.write(`${readVersion()}\n`)
    return 0
  }
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(HELP_TEXT)
    return 0
  }
  const env = process.env
  switch (command) {
    case 'serve': {
      const { serveCommand } = await import('./serve-command.ts')
      return serveCommand({ port: values.port, rules: values.rules, role: values.role }, env, readVersion())
    }
    case 'init': {
      const { initCommand } = await import('./init-command.ts')
      return initCommand(rest[0] ?? './rules', env, process.stdout, process.stderr)
    }
    case 'check': {
      const { checkCommand } = await import('./check-command.ts')
      return checkCommand(rest[0] ?? values.rules ?? env['RULES_DIR'] ?? './rules', env, process.stdout, values.json ?? false)
    }
    case 'test': {
      // like check, the rules directory may come as the one argument
      if (rest.length > 1 || (rest.length === 1 && values.rules !== undefined)) {
        process.stderr.write(`hookyard test: unexpected argument ${JSON.stringify(rest.at(-1))} (one rules directory, as DIR or --rules DIR; the payload goes with --payload FILE)\n`)
        return 2
      }
      const flags = { source: values.source, payload: values.payload, headers: values.header ?? [], event: values.event, json: values.json ?? false }
      const { testCommand } = await import('./test-command.ts')
      const io = { out: process.stdout, err: process.stderr, env, userAgent: `hookyard/${readVersion()}` }
      return testCommand({ ...flags, rules: rest[0] ?? values.rules ?? env['RULES_DIR'] ?? './rules' }, io)
    }
    case 'redeliver': {
      if (rest.length > 0) {
        process.stderr.write(`hookyard redeliver: unexpected argument ${JSON.stringify(rest[0])} (use --rules DIR, --source NAME)\n`)
        return 2
      }
      const { redeliverCommand } = await import('./redeliver-command.ts')
      const flags = { rules: values.rules ?? env['RULES_DIR'] ?? './rules', source: values.source, since: values.since, dryRun: values['dry-run'] ?? false, json: values.json ?? false }
      return redeliverCommand(flags, { out: process.stdout, err: process.stderr, env, userAgent: `hookyard/${readVersion()}` })
    }
    default:
      process.stderr.write(`hookyard: unknown command ${JSON.stringify(command)}\n\n${HELP_TEXT}`)
      return 2
  }
}
