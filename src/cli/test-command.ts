import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { dryRunJson, formatDryRun } from '../dry-run/format-dry-run.ts'
import { buildInboundRequest, parseHeaderFlags } from '../dry-run/inbound-request.ts'
import { formatCaseResults, runCases } from '../dry-run/run-cases.ts'
import { runDryRun } from '../dry-run/run-dry-run.ts'
import { formatRuleProblem, HookyardError } from '../errors.ts'
import { checkRules } from '../rules/check-rules.ts'
import type { RuleSet, SourceDefinition } from '../rules/types.ts'
import { nextFire, readScheduleOptions, scheduleDeliveryId, scheduleRequest } from '../sources/schedule.ts'

export interface TestFlags {
  rules: string
  source?: string | undefined
  payload?: string | undefined
  headers: readonly string[]
  event?: string | undefined
  json: boolean
}

export interface TestIo {
  out: NodeJS.WritableStream
  err: NodeJS.WritableStream
  env: Record<string, string | undefined>
  userAgent: string
}

/**
 * `hookyard test`: with --payload, a dry run of one webhook (exit 0 whether or not anything
 * matched); without it, every case file in `<rules>/tests/` (exit 1 when one fails or none is found).
 * Exit 2 for usage errors, 1 when the rules, the payload or the source name are wrong.
 */
export async function testCommand(flags: TestFlags, io: TestIo): Promise<number> {
  if (flags.payload === undefined && flags.source !== undefined && flags.headers.length === 0 && flags.event === undefined) {
    return testSchedule(flags, flags.source, io)
  }
  if (flags.payload === undefined) {
    if (flags.source !== undefined || flags.headers.length > 0 || flags.event !== undefined) {
      return usage(io, '--source, --header and --event need --payload FILE')
    }
    return runAllCases(flags, io)
  }
  if (flags.source === undefined) return usage(io, '--payload needs --source NAME')
  let headers: Record<string, string>
  try {
    headers = parseHeaderFlags(flags.headers)
  } catch (err) {
    return usage(io, (err as Error).message)
  }
  const ruleSet = await loadForTest(flags, io)
  if (!ruleSet) return 1
  const source = findSourceOrSay(ruleSet, flags.source, flags.rules, io)
  if (!source) return 1
  let body: Buffer
  try {
    body = await readFile(flags.payload)
  } catch (err) {
    io.err.write(`hookyard test: cannot read payload ${flags.payload}: ${(err as Error).message}\n`)
    return 1
  }
  const request = buildInboundRequest({ sourceType: source.type, body, headers, event: flags.event })
  let result
  try {
    result = await runDryRun({ ruleSet, sourceName: flags.source, request, userAgent: io.userAgent })
  } catch (err) {
    if (!(err instanceof HookyardError)) throw err
    const prefix = err.code === 'BODY_INVALID' ? 'the payload cannot be parsed as ingress would (400): ' : ''
    io.err.write(`hookyard test: ${prefix}${err.message}\n`)
    return 1
  }
  const rules = { dir: flags.rules, version: ruleSet.version }
  io.out.write(flags.json ? `${JSON.stringify(dryRunJson(result, rules), null, 2)}\n` : formatDryRun(result, rules))
  return 0
}

/** `test --source SCHEDULE`: a dry run of the schedule's next tick, as a worker would fire it. */
async function testSchedule(flags: TestFlags, name: string, io: TestIo): Promise<number> {
  const ruleSet = await loadForTest(flags, io)
  if (!ruleSet) return 1
  const source = findSourceOrSay(ruleSet, name, flags.rules, io)
  if (!source) return 1
  if (source.type !== 'schedule') return usage(io, `source ${name} takes webhooks: give --payload FILE`)
  const fireTime = nextFire(readScheduleOptions(source), new Date())
  const request = scheduleRequest(source, fireTime, scheduleDeliveryId(name, fireTime))
  const result = await runDryRun({ ruleSet, sourceName: name, request, userAgent: io.userAgent, receivedAt: fireTime })
  const rules = { dir: flags.rules, version: ruleSet.version }
  io.out.write(flags.json ? `${JSON.stringify(dryRunJson(result, rules), null, 2)}\n` : formatDryRun(result, rules))
  return 0
}

async function loadForTest(flags: TestFlags, io: TestIo): Promise<RuleSet | null> {
  const loaded = await checkRules(flags.rules, { env: io.env })
  if (!loaded.ok) {
    for (const problem of loaded.problems) io.err.write(`${formatRuleProblem(problem)}\n`)
    io.err.write(`${loaded.problems.length} problem${loaded.problems.length === 1 ? '' : 's'} in ${flags.rules}\n`)
    return null
  }
  return loaded.ruleSet
}

function findSourceOrSay(ruleSet: RuleSet, name: string, dir: string, io: TestIo): SourceDefinition | null {
  const source = ruleSet.sources.get(name)
  if (!source) {
    const known = [...ruleSet.sources.keys()].join(', ') || 'none'
    io.err.write(`hookyard test: no source named ${JSON.stringify(name)} in ${dir} (sources: ${known})\n`)
    return null
  }
  return source
}

async function runAllCases(flags: TestFlags, io: TestIo): Promise<number> {
  const casesDir = join(flags.rules, 'tests')
  const results = await runCases({ rulesDir: flags.rules, casesDir, userAgent: io.userAgent })
  io.out.write(flags.json ? `${JSON.stringify({ cases: results }, null, 2)}\n` : formatCaseResults(results, casesDir))
  // no cases at all is a failure: a wrong --rules path in CI must not pass silently
  return results.length > 0 && results.every((r) => r.passed) ? 0 : 1
}

function usage(io: TestIo, message: string): number {
  io.err.write(`hookyard test: ${message}\nusage: hookyard test --source NAME --payload FILE [--header 'K: V' ...] [--event E] [--rules DIR] [--json]\n       hookyard test --source SCHEDULE [--rules DIR] [--json]\n       hookyard test [DIR]\n`)
  return 2
}
