import type { CompiledExpression } from '../mapping/compile-expression.ts'
import { compileRuleExpression } from './compile-rule-expression.ts'
import type { NameRegistry } from './name-registry.ts'
import { mapEntryAt, parseKey, valueOriginAt, type SchemaScope } from './report-schema-issues.ts'
import { routeFields } from './rule-file-fields.ts'
import type { Origin, ReportToDefinition, SourceDefinition, TargetDefinition } from './types.ts'
import type { ValidationContext } from './validation-context.ts'

/** What `report_to` is checked against: every declared name, and the definitions that validated. */
export interface ReportToScope {
  targetNames: NameRegistry
  /** false when some file could not be parsed (see RouteNames) */
  complete: boolean
  targets: ReadonlyMap<string, TargetDefinition>
  /** the route's sources that validated */
  sources: readonly SourceDefinition[]
}

/**
 * `report_to:` of a route: a list of reporter target names, or `{ target, repository, sha }`
 * entries whose JSONata names the commit. The schema checks the shape; this checks each name
 * against the declared targets. A source whose envelopes carry no commit (a package feed, a
 * schedule, a generic hook) needs both expressions; a target that is not a reporter is refused,
 * since it would be sent a commit status it cannot read.
 */
export function readReportTo(input: Record<string, unknown>, scope: SchemaScope, names: ReportToScope, ctx: ValidationContext): ReportToDefinition[] {
  const entries = parseKey(routeFields.report_to, 'report_to', input, scope, ctx.problems) ?? []
  const { prefix } = scope
  const out: ReportToDefinition[] = []
  for (const [i, { target, repository, sha }] of entries.entries()) {
    const at = valueOriginAt(scope, ['report_to', i])
    if (!checkReporter(target, at, prefix, names, ctx)) {
      continue
    }
    if (repository === undefined || sha === undefined) {
      const without = names.sources.filter((s) => ctx.sourceTypes.get(s.type)?.commits !== true)
      if (without.length > 0) {
        const list = without.map((s) => `${s.name} (${s.type})`).join(', ')
        ctx.problems.add(at, `${prefix}: report_to ${target}: source ${list} carries no commit; say which one: - { target: ${target}, repository: <JSONata>, sha: <JSONata> }`)
        continue
      }
    }
    if (out.some((r) => r.target === target)) {
      ctx.problems.add(at, `${prefix}: report_to names ${target} twice`)
      continue
    }
    out.push({ target, repository: compileAt(repository, scope, [i, 'repository'], ctx), sha: compileAt(sha, scope, [i, 'sha'], ctx) })
  }
  return out
}

/** The JSONata of a `report_to` entry's key, compiled where it is written; null when absent. */
function compileAt(text: string | undefined, scope: SchemaScope, path: [number, string], ctx: ValidationContext): CompiledExpression | null {
  const entry = mapEntryAt(scope, ['report_to', ...path])
  return text === undefined || entry === undefined ? null : compileRuleExpression(text, entry, scope, ctx)
}

/** Whether `target` is a declared reporter; reports why not (a target that failed validation is already reported). */
function checkReporter(target: string, at: Origin, prefix: string, names: ReportToScope, ctx: ValidationContext): boolean {
  if (!names.targetNames.has(target)) {
    if (names.complete) {
      ctx.problems.add(at, `${prefix}: report_to: unknown target ${target} (declared targets: ${names.targetNames.list()})`)
    }
    return false
  }
  const def = names.targets.get(target)
  if (def !== undefined && def.preset.reporter !== true) {
    const reporters = [...ctx.targetPresets.values()].filter((p) => p.reporter === true).map((p) => p.type)
    ctx.problems.add(at, `${prefix}: report_to: target ${target} is a ${def.type} target, not a reporter (reporter types: ${reporters.join(', ')}); deliver to it with to:`)
    return false
  }
  return def !== undefined
}
