import { isMap } from 'yaml'
import { compileExpressionKey } from './compile-rule-expression.ts'
import type { NameRegistry } from './name-registry.ts'
import type { RouteItem } from './parse-rule-file.ts'
import { readReportTo } from './read-report-to.ts'
import { parseKey, valueOriginAt, type SchemaScope } from './report-schema-issues.ts'
import { routeFields } from './rule-file-fields.ts'
import type { RouteDefinition, SourceDefinition, TargetDefinition } from './types.ts'
import type { ValidationContext } from './validation-context.ts'
import { describeNode, mapEntries, setOwn, toPlain } from './yaml-nodes.ts'
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
  const entries = mapEntries(item.doc, item.node)
  const byKey = new Map(entries.map((e) => [e.key, e]))
  const input: Record<string, unknown> = {}
  for (const entry of entries) {
    setOwn(input, entry.key, toPlain(item.doc, entry.value))
  }
  const named = routeFields.name.safeParse(input['name'])
  const prefix = named.success ? `route ${named.data}` : `route #${position}`
  const scope: SchemaScope = { loc: item.loc, doc: item.doc, node: item.node, origin: item.origin, prefix }
  const name = parseKey(routeFields.name, 'name', input, scope, problems)
  if (name !== null) {
    names.routes.claim(name, valueOriginAt(scope, ['name']))
  }
  for (const [key, entry] of byKey) {
    if (!ROUTE_KEYS.includes(key)) {
      problems.add(nodeOrigin(item.loc, entry.keyNode, item.origin), `${prefix}: unknown key ${JSON.stringify(key)} (expected ${ROUTE_KEYS.join(', ')})`)
    }
  }
  const sources = declaredNames(parseKey(routeFields.source, 'source', input, scope, problems), input['source'], 'source', names.sources, names.complete, scope, ctx)
  const to = declaredNames(parseKey(routeFields.to, 'to', input, scope, problems), input['to'], 'to', names.targets, names.complete, scope, ctx)
  for (const name of to) {
    const target = defined?.targets.get(name)
    if (target?.preset.reporter === true) {
      ctx.problems.add(valueOriginAt(scope, ['to']), `${prefix}: target ${name} is a reporter (${target.type}): it posts commit statuses, so name it in report_to: [${name}], not in to:`)
    }
  }
  const reportTo = readReportTo(input, scope, {
    targetNames: names.targets,
    complete: names.complete,
    targets: defined?.targets ?? new Map(),
    sources: sources.flatMap((n) => defined?.sources.get(n) ?? []),
  }, ctx)
  const when = compileExpressionKey(routeFields.when, 'when', input, scope, ctx)
  const map = compileExpressionKey(routeFields.map, 'map', input, scope, ctx)
  if (problems.size !== before || name === null) {
    return null
  }
  return { name, sources, when, map, to, reportTo, origin: item.origin }
}

/**
 * The names of `source:` / `to:` (one or a list, as the schema parsed them) that are declared
 * in some file, each once; an unknown one is reported at its position.
 */
function declaredNames(
  parsed: string[] | null,
  written: unknown,
  key: 'source' | 'to',
  declared: NameRegistry,
  complete: boolean,
  scope: SchemaScope,
  ctx: ValidationContext
): string[] {
  const kind = key === 'source' ? 'source' : 'target'
  const out: string[] = []
  for (const [i, name] of (parsed ?? []).entries()) {
    if (!declared.has(name)) {
      // a name missing here may be declared in a file that could not be parsed
      if (complete) {
        ctx.problems.add(valueOriginAt(scope, Array.isArray(written) ? [key, i] : [key]), `${scope.prefix}: unknown ${kind} ${name} (declared ${kind}s: ${declared.list()})`)
      }
    } else if (!out.includes(name)) {
      out.push(name)
    }
  }
  return out
}
