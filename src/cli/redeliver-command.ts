import { formatRuleProblem } from '../errors.ts'
import { checkRules } from '../rules/check-rules.ts'
import { parseDuration } from '../rules/parse-duration.ts'
import { listHookDeliveries, requestRedelivery } from '../redeliver/github-hook-deliveries.ts'
import { planRedeliveries, type HookDelivery } from '../redeliver/plan-redeliveries.ts'
import { githubOptionsSchema } from '../sources/github.ts'
import { maskSecrets } from '../secret-masking.ts'

export interface RedeliverFlags {
  rules: string
  source: string | undefined
  since: string | undefined
  dryRun: boolean
  json: boolean
}

export interface RedeliverIo {
  out: NodeJS.WritableStream
  err: NodeJS.WritableStream
  env: Record<string, string | undefined>
  userAgent: string
  now?: Date
}

const DEFAULT_SINCE = '24h'

interface SourceReport {
  source: string
  hook: string
  /** what GitHub said of each, as the output shows it */
  failed: Omit<HookDelivery, 'redelivery'>[]
  redelivered: number
  error: string | null
}

/**
 * `hookyard redeliver [--source NAME] [--since 24h] [--dry-run] [--json]`: for each github source
 * with `redeliver:`, asks GitHub which of the hook's deliveries since then were never answered
 * with a 2xx (hookyard down, unreachable, or refusing) and asks GitHub to send each again.
 * Exit 0 when every request was accepted (or nothing was missing), 1 on any failure.
 */
export async function redeliverCommand(flags: RedeliverFlags, io: RedeliverIo): Promise<number> {
  let sinceMs: number
  try {
    sinceMs = (io.now ?? new Date()).getTime() - parseDuration(flags.since ?? DEFAULT_SINCE)
  } catch (err) {
    io.err.write(`hookyard redeliver: --since: ${(err as Error).message}\n`)
    return 2
  }
  const loaded = await checkRules(flags.rules, { env: io.env })
  if (!loaded.ok) {
    for (const problem of loaded.problems) io.err.write(`${formatRuleProblem(problem)}\n`)
    return 1
  }
  const ruleSet = loaded.ruleSet
  const sources = [...ruleSet.sources.values()].filter((s) => s.type === 'github' && (flags.source === undefined || s.name === flags.source))
  const configured = sources.flatMap((s) => {
    const redeliver = githubOptionsSchema.parse(s.options).redeliver
    return redeliver ? [{ name: s.name, redeliver }] : []
  })
  if (configured.length === 0) {
    const which = flags.source === undefined ? 'no github source' : `source ${JSON.stringify(flags.source)} is not a github source that`
    io.err.write(`hookyard redeliver: ${which} has redeliver: { hook, token } in ${flags.rules} (see docs/operations.md, "Catching up after an outage")\n`)
    return 1
  }

  const mask = (text: string) => maskSecrets(text, ruleSet.secretValues)
  const reports: SourceReport[] = []
  for (const { name, redeliver } of configured) {
    const report: SourceReport = { source: name, hook: redeliver.hook, failed: [], redelivered: 0, error: null }
    reports.push(report)
    try {
      const plan = planRedeliveries(await listHookDeliveries(redeliver, sinceMs, io.userAgent), sinceMs)
      report.failed = plan.map(summary)
      for (const delivery of flags.dryRun ? [] : plan) {
        await requestRedelivery(redeliver, delivery.id, io.userAgent)
        report.redelivered++
      }
    } catch (err) {
      report.error = mask((err as Error).message)
    }
  }

  if (flags.json) {
    io.out.write(`${JSON.stringify({ since: new Date(sinceMs).toISOString(), dry_run: flags.dryRun, sources: reports }, null, 2)}\n`)
  } else {
    for (const r of reports) writeReport(io.out, r, flags.dryRun, new Date(sinceMs))
  }
  return reports.some((r) => r.error !== null) ? 1 : 0
}

function summary(d: HookDelivery): Omit<HookDelivery, 'redelivery'> {
  return { id: d.id, guid: d.guid, event: d.event, action: d.action, delivered_at: d.delivered_at, status_code: d.status_code, status: d.status }
}

function writeReport(out: NodeJS.WritableStream, r: SourceReport, dryRun: boolean, since: Date): void {
  const verb = dryRun ? 'would redeliver' : 'redelivery requested for'
  const count = dryRun ? r.failed.length : r.redelivered
  out.write(`${r.source} (${r.hook}): ${r.failed.length} deliver${r.failed.length === 1 ? 'y' : 'ies'} since ${since.toISOString()} never answered 2xx; ${verb} ${count}\n`)
  for (const f of r.failed) {
    const what = f.action ? `${f.event}.${f.action}` : f.event
    out.write(`  ${f.delivered_at}  ${what}  ${f.guid}  last answer: ${f.status_code === 0 ? 'none' : f.status_code} ${f.status}\n`)
  }
  if (r.error !== null) out.write(`  error: ${r.error}\n`)
}
