import { isMap, isSeq, type Document, type Node } from 'yaml'
import type * as z from 'zod'
import type { ProblemList } from './problem-list.ts'
import type { Origin } from './types.ts'
import { mapEntries, resolveNode } from './yaml-nodes.ts'
import { nodeOrigin, type FileLocator } from './yaml-positions.ts'

export interface SchemaScope {
  loc: FileLocator
  doc: Document
  /** the mapping the options were read from (a source's or target's definition) */
  node: Node
  /** where to point when the offending key is absent (the definition's name) */
  origin: Origin
  /** e.g. `target bitrise-ios` */
  prefix: string
}

/**
 * Validates options with a type's/preset's zod schema and reports every issue at the offending
 * key or value, so a typo in one option does not hide a missing one.
 * @returns the parsed options (defaults applied), or null when invalid
 */
export function parseWithSchema(
  schema: z.ZodType<Record<string, unknown>>,
  input: Record<string, unknown>,
  scope: SchemaScope,
  problems: ProblemList
): Record<string, unknown> | null {
  const result = schema.safeParse(input)
  if (result.success) {
    return result.data
  }
  for (const issue of result.error.issues) {
    reportIssue(issue, input, scope, problems)
  }
  return null
}

function reportIssue(issue: z.core.$ZodIssue, input: unknown, scope: SchemaScope, problems: ProblemList): void {
  const path = issue.path
  if (issue.code === 'unrecognized_keys') {
    for (const key of issue.keys) {
      const { node } = findNode(scope, [...path, key], true)
      problems.add(nodeOrigin(scope.loc, node, scope.origin), `${scope.prefix}: unknown option ${JSON.stringify(dotted([...path, key]))}`)
    }
    return
  }
  const { node, complete } = findNode(scope, path, false)
  const at = nodeOrigin(scope.loc, node, scope.origin)
  if (path.length > 0 && !complete && valueAt(input, path) === undefined) {
    problems.add(at, `${scope.prefix}: missing required option ${dotted(path)}`)
    return
  }
  const where = path.length > 0 ? `${dotted(path)}: ` : ''
  problems.add(at, `${scope.prefix}: ${where}${issue.message}`)
}

/**
 * Follows an issue path through the YAML nodes: the node at the path (with `wantKey`, the key of
 * its last segment), else the deepest node reached, else null (point at the definition's name).
 */
function findNode(scope: SchemaScope, path: readonly PropertyKey[], wantKey: boolean): { node: Node | null; complete: boolean } {
  let current: Node = scope.node
  for (const [i, segment] of path.entries()) {
    const last = i === path.length - 1
    let next: Node | null = null
    if (isMap(current)) {
      const entry = mapEntries(scope.doc, current).find((e) => e.key === String(segment))
      next = entry === undefined ? null : last && wantKey ? entry.keyNode : entry.value ?? entry.keyNode
    } else if (isSeq(current) && typeof segment === 'number') {
      next = resolveNode(scope.doc, current.items[segment])
    }
    if (next === null) {
      // at the top level, point at the definition's name rather than its whole body
      return { node: current === scope.node ? null : current, complete: false }
    }
    current = next
  }
  return { node: current, complete: true }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input
  for (const segment of path) {
    if (current === null || typeof current !== 'object') {
      return undefined
    }
    current = (current as Record<PropertyKey, unknown>)[segment]
  }
  return current
}

function dotted(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.')
}
