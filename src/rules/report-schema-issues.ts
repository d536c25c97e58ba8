import { isMap, isSeq, type Document, type Node } from 'yaml'
import * as z from 'zod'
import type { ProblemList } from './problem-list.ts'
import { UNKNOWN_KEY } from './field-schemas.ts'
import type { Origin } from './types.ts'
import { mapEntries, resolveNode, type MapEntry } from './yaml-nodes.ts'
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
export function parseWithSchema<T extends Record<string, unknown>>(
  schema: z.ZodType<T>,
  input: Record<string, unknown>,
  scope: SchemaScope,
  problems: ProblemList
): T | null {
  const result = schema.safeParse(input)
  if (result.success) {
    return result.data
  }
  for (const issue of result.error.issues) {
    reportIssue(issue, input, scope, problems)
  }
  return null
}

/**
 * Validates the loader's own keys of a definition with their schema (rule-file-fields.ts),
 * whose messages name the key themselves. Each problem is reported once, at the offending value,
 * an unknown key at the key.
 * @returns the parsed settings, or null when invalid
 */
export function parseOwnKeys<T>(schema: z.ZodType<T>, input: Record<string, unknown>, scope: SchemaScope, problems: ProblemList): T | null {
  const result = schema.safeParse(input)
  if (result.success) {
    return result.data
  }
  const reported = new Set<string>()
  const add = (at: Origin, message: string): void => {
    // a value that fails several checks of one rule (0.5 is neither whole nor >= 1) is one problem
    const key = `${at.line}:${at.col} ${message}`
    if (!reported.has(key)) {
      reported.add(key)
      problems.add(at, `${scope.prefix}: ${message}`)
    }
  }
  for (const issue of result.error.issues.flatMap(chosenAlternative)) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        add(nodeOrigin(scope.loc, findNode(scope, [...issue.path, key], true).node, scope.origin), issue.message.replace(UNKNOWN_KEY, JSON.stringify(key)))
      }
      continue
    }
    const { node, complete } = findNode(scope, issue.path, false)
    // a check across keys (max_backoff against backoff) about a key left to its default names the definition
    add(issue.code === 'custom' && !complete ? scope.origin : nodeOrigin(scope.loc, node, scope.origin), issue.message)
  }
  return null
}

/**
 * A value that fits none of a union's alternatives: when it has the shape of exactly one (a list
 * for "a name or a list of names"), its problems are those of that alternative, at their own
 * paths, rather than one message about the whole value.
 */
function chosenAlternative(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union') {
    return [issue]
  }
  const shaped = issue.errors.filter((issues) => !issues.every((i) => i.code === 'invalid_type' && i.path.length === 0))
  const [only] = shaped
  if (shaped.length !== 1 || only === undefined) {
    return [issue]
  }
  return only.map((i) => ({ ...i, path: [...issue.path, ...i.path] })).flatMap(chosenAlternative)
}

/**
 * One key of a definition, validated by its schema on its own, so a problem in one key does not
 * hide the checks (references, JSONata) of the others.
 * @returns the parsed value (undefined when the key is optional and absent), or null when invalid
 */
export function parseKey<T>(schema: z.ZodType<T>, key: string, input: Record<string, unknown>, scope: SchemaScope, problems: ProblemList): T | null {
  const parsed = parseOwnKeys(z.object({ [key]: schema }), { [key]: input[key] }, scope, problems)
  return parsed === null ? null : (parsed[key] as T)
}

/** The mapping entry (key and value nodes) at `path`, for what needs the YAML itself (JSONata positions). */
export function mapEntryAt(scope: SchemaScope, path: readonly PropertyKey[]): MapEntry | undefined {
  const { node, complete } = findNode(scope, path.slice(0, -1), false)
  return complete && isMap(node) ? mapEntries(scope.doc, node).find((e) => e.key === String(path.at(-1))) : undefined
}

/** Where the value at `path` of the definition stands (the definition's name when it is absent). */
export function valueOriginAt(scope: SchemaScope, path: readonly PropertyKey[]): Origin {
  return nodeOrigin(scope.loc, findNode(scope, path, false).node, scope.origin)
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
