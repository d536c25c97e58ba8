import { isMap, isSeq } from 'yaml'
import { compileRuleExpression, type ExpressionScope } from './compile-rule-expression.ts'
import type { NameRegistry } from './name-registry.ts'
import type { RouteItem } from './parse-rule-file.ts'
import { readReportTo } from './read-report-to.ts'
import { routeFields } from './rule-file-fields.ts'
import type { RouteDefinition, SourceDefinition, TargetDefinition } from './types.ts'
import type { ValidationContext } from './validation-context.ts'
import { describeNode, mapEntries, resolveNode, stringValue, type MapEntry } from './yaml-nodes.ts'
import { nodeOrigin } from './yaml-positions.ts'

const ROUTE_KEYS = Object.keys(routeFields)

export interface RouteNames {
  routes: NameRegistry
  sources: NameRegistry
  targets: NameRegistry
  /**
   * false when some file could not be parsed: a name missing here may be declared there, so
   * "unknown source/target" would only add noise to the syntax error
   */
  complete: boolean
}

/** The sources and targets that validated, for checks that need their types. */
export interface DefinedNames {
  sources: ReadonlyMap<string, SourceDefinition>
  targets: ReadonlyMap<string, TargetDefinition>
}

/**
 * Validates one `routes:` item against every declared source and target (of all files).
 * `position` (1-based, in its file) names the route in messages when it has no usable name.
 */
export function validateRoute(item: RouteItem, position: number, names: RouteNames, ctx: ValidationContext, defined?: DefinedNames): RouteDefinition | null {
  const { problems } = ctx
  const before = problems.size
  if (!isMap(item.node)) {
    problems.add(item.origin, `route #${position}: expected a mapping (name, source, when, map, to), got ${describeNode(item.node)}`)
    return null
  }
  const byKey = new Map<string, MapEntry>()
  for (const entry of mapEntries(item.doc, item.node)) {
    byKey.set(entry.key, entry)
  }
  const nameEntry = byKey.get('name')
  const name = stringValue(nameEntry?.value ?? null)
  const prefix = name === undefined || name === '' ? `route #${position}` : `route ${name}`
  const scope: ExpressionScope = { loc: item.loc, origin: item.origin, prefix }
  if (name === undefined || name === '' || nameEntry === undefined) {
    problems.add(nodeOrigin(item.loc, nameEntry?.value, item.origin), `${prefix}: missing name (a unique route name is required)`)
  } else {
    names.routes.claim(name, nodeOrigin(item.loc, nameEntry.value, item.origin))
  }
  for (const [key, entry] of byKey) {
    if (!ROUTE_KEYS.includes(key)) {
      problems.add(nodeOrigin(item.loc, entry.keyNode, item.origin), `${prefix}: unknown key ${JSON.stringify(key)} (expected ${ROUTE_KEYS.join(', ')})`)
    }
  }
  const sources = readReferences(byKey.get('source'), 'source', names.sources, names.complete, item, prefix, ctx)
  const to = readReferences(byKey.get('to'), 'target', names.targets, names.complete, item, prefix, ctx)
  for (const name of to) {
    const target = defined?.targets.get(name)
    if (target?.preset.reporter === true) {
      const at = nodeOrigin(item.loc, byKey.get('to')?.value ?? null, item.origin)
      ctx.problems.add(at, `${prefix}: target ${name} is a reporter (${target.type}): it posts commit statuses, so name it in report_to: [${name}], not in to:`)
    }
  }
  const reportTo = readReportTo(byKey.get('report_to'), item, scope, {
    targetNames: names.targets,
    complete: names.complete,
    targets: defined?.targets ?? new Map(),
    sources: sources.flatMap((n) => defined?.sources.get(n) ?? []),
  }, ctx)
  const whenEntry = byKey.get('when')
  const mapEntry = byKey.get('map')
  const when = whenEntry === undefined ? null : compileRuleExpression(whenEntry, scope, ctx)
  const map = mapEntry === undefined ? null : compileRuleExpression(mapEntry, scope, ctx)
  if (problems.size !== before || name === undefined) {
    return null
  }
  return { name, sources, when, map, to, reportTo, origin: item.origin }
}

/** `source:` / `to:`: one name or a non-empty list of names, each declared in some file. */
function readReferences(
  entry: MapEntry | undefined,
  kind: 'source' | 'target',
  declared: NameRegistry,
  complete: boolean,
  item: RouteItem,
  prefix: string,
  ctx: ValidationContext
): string[] {
  const key = kind === 'source' ? 'source' : 'to'
  if (entry === undefined) {
    const what = kind === 'source' ? 'the source or list of sources to listen to' : 'the target or list of targets to deliver to'
    ctx.problems.add(item.origin, `${prefix}: missing ${key}: ${what}`)
    return []
  }
  const at = nodeOrigin(item.loc, entry.value, nodeOrigin(item.loc, entry.keyNode, item.origin))
  const nodes = isSeq(entry.value) ? entry.value.items.map((n) => resolveNode(item.doc, n)) : [entry.value]
  if (nodes.length === 0) {
    ctx.problems.add(at, `${prefix}: ${key} must name at least one ${kind}`)
    return []
  }
  const out: string[] = []
  for (const node of nodes) {
    const name = stringValue(node)
    const nodeAt = nodeOrigin(item.loc, node, at)
    if (name === undefined) {
      ctx.problems.add(nodeAt, `${prefix}: ${key} must be a ${kind} name or a list of them, got ${describeNode(node)}`)
    } else if (!declared.has(name)) {
      if (!complete) {
        continue
      }
      ctx.problems.add(nodeAt, `${prefix}: unknown ${kind} ${name} (declared ${kind}s: ${declared.list()})`)
    } else if (!out.includes(name)) {
      out.push(name)
    }
  }
  return out
}
