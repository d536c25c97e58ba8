import { formatRuleProblem } from '../errors.ts'
import { checkRules } from '../rules/check-rules.ts'
import type { RuleSet } from '../rules/types.ts'
import { scheduleSources } from '../schedule/scheduler.ts'
import { nextFires } from '../sources/schedule.ts'

/** How many upcoming ticks `check` shows per schedule. */
const NEXT_FIRES = 3

/**
 * `hookyard check [DIR] [--json]`: exit 0 when the rule set loads (listing each schedule's next
 * fire times), 1 with one `file:line:col message` line per problem.
 */
export async function checkCommand(dir: string, env: Record<string, string | undefined>, out: NodeJS.WritableStream, json = false, now = new Date()): Promise<number> {
  const result = await checkRules(dir, { env })
  if (!result.ok) {
    if (json) {
      out.write(`${JSON.stringify({ ok: false, problems: result.problems.map((p) => ({ ...p, text: formatRuleProblem(p) })) }, null, 2)}\n`)
      return 1
    }
    for (const problem of result.problems) {
      out.write(`${formatRuleProblem(problem)}\n`)
    }
    out.write(`${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} in ${dir}\n`)
    return 1
  }
  const rs = result.ruleSet
  const schedules = upcoming(rs, now)
  if (json) {
    out.write(`${JSON.stringify({ ok: true, version: rs.version, sources: rs.sources.size, targets: rs.targets.size, routes: rs.routes.length, schedules }, null, 2)}\n`)
    return 0
  }
  out.write(`rules OK: ${rs.sources.size} sources, ${rs.targets.size} targets, ${rs.routes.length} routes (version ${rs.version})\n`)
  for (const s of schedules) {
    out.write(`schedule ${s.name}: "${s.cron}" in ${s.timezone}, next: ${s.next_fires.map((t) => `${t} (${localTime(t, s.timezone)})`).join(', ')}\n`)
  }
  return 0
}

function upcoming(ruleSet: RuleSet, now: Date) {
  return [...scheduleSources(ruleSet)].map(([name, options]) => ({
    name,
    cron: options.cron,
    timezone: options.timezone,
    misfire: options.misfire,
    next_fires: nextFires(options, now, NEXT_FIRES).map((d) => d.toISOString()),
  }))
}

/** `2026-06-02 00:30` in the schedule's own time zone: what the cron fields say. */
function localTime(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso))
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? ''
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')} ${timeZone}`
}
