import { isMap, isSeq } from 'yaml'
import { compileRuleExpression, type ExpressionScope } from './compile-rule-expression.ts'
import type { NameRegistry } from './name-registry.ts'
import type { RouteItem } from './parse-rule-file.ts'
import type { Origin, ReportToDefinition, SourceDefinition, TargetDefinition } from './types.ts'
import type { ValidationContext } from './validation-context.ts'
import { describeNode, mapEntries, resolveNode, stringValue, type MapEntry } from './yaml-nodes.ts'
import { nodeOrigin } from './yaml-positions.ts'

const ENTRY_KEYS = ['target', 'repository', 'sha']

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
 * entries whose JSONata names the commit. A source whose envelopes carry no commit (a package
 * feed, a schedule, a generic hook) needs both expressions; a target that is not a reporter is
 * refused, since it would be sent a commit status it cannot read.
 */
export function readReportTo(entry: MapEntry | undefined, item: RouteItem, scope: ExpressionScope, names: ReportToScope, ctx: ValidationContext): ReportToDefinition[] {
  if (entry === undefined) {
    return []
  }
  const { prefix } = scope
  const at = nodeOrigin(item.loc, entry.value, nodeOrigin(item.loc, entry.keyNode, item.origin))
  if (!isSeq(entry.value) || entry.value.items.length === 0) {
    ctx.problems.add(at, `${prefix}: report_to must be a list of reporter targets, e.g. report_to: [gh-status], got ${describeNode(entry.value)}`)
    return []
  }
  const out: ReportToDefinition[] = []
  for (const raw of entry.value.items) {
    const node = resolveNode(item.doc, raw)
    const nodeAt = nodeOrigin(item.loc, node, at)
    let target: string | undefined
    let repository: MapEntry | undefined
    let sha: MapEntry | undefined
    if (isMap(node)) {
      const byKey = new Map(mapEntries(item.doc, node).map((e) => [e.key, e]))
      for (const [key, e] of byKey) {
        if (!ENTRY_KEYS.includes(key)) {
          ctx.problems.add(nodeOrigin(item.loc, e.keyNode, nodeAt), `${prefix}: report_to: unknown key ${JSON.stringify(key)} (expected ${ENTRY_KEYS.join(', ')})`)
        }
      }
      target = stringValue(byKey.get('target')?.value ?? null)
      repository = byKey.get('repository')
      sha = byKey.get('sha')
    } else {
      target = stringValue(node)
    }
    if (target === undefined || target === '') {
      ctx.problems.add(nodeAt, `${prefix}: report_to entries are a reporter target name or { target, repository, sha }, got ${describeNode(node)}`)
      continue
    }
    if (!checkReporter(target, nodeAt, prefix, names, ctx)) {
      continue
    }
    if (repository === undefined || sha === undefined) {
      const without = names.sources.filter((s) => ctx.sourceTypes.get(s.type)?.commits !== true)
      if (without.length > 0) {
        const list = without.map((s) => `${s.name} (${s.type})`).join(', ')
        ctx.problems.add(
          nodeAt,
          `${prefix}: report_to ${target}: source ${list} carries no commit; say which one: - { target: ${target}, repository: <JSONata>, sha: <JSONata> }`
        )
        continue
      }
    }
    if (out.some((r) => r.target === target)) {
      ctx.problems.add(nodeAt, `${prefix}: report_to names ${target} twice`)
      continue
    }
    out.push({
      target,
      repository: repository === undefined ? null : compileRuleExpression(repository, scope, ctx),
      sha: sha === undefined ? null : compileRuleExpression(sha, scope, ctx),
    })
  }
  return out
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
