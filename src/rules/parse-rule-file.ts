import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml'
import { expandVariables, type Env } from './expand-variables.ts'
import type { ProblemList } from './problem-list.ts'
import { TOP_LEVEL_KEYS } from './rule-file-fields.ts'
import type { Origin } from './types.ts'
import { MAX_ALIAS_COUNT, mapEntries, resolveNode } from './yaml-nodes.ts'
import { nodeOrigin, positionAt, valueIndexToOffset, type FileLocator } from './yaml-positions.ts'

/** One rule file's content; `path` is shown in problems as given. */
export interface RuleFile {
  path: string
  text: string
}

/** A named source or target as written, before validation. */
export interface Declaration {
  name: string
  keyNode: Node
  value: Node | null
  /** position of the name */
  origin: Origin
  loc: FileLocator
  doc: Document
}

/** One `routes:` list item as written, before validation. */
export interface RouteItem {
  node: Node | null
  origin: Origin
  loc: FileLocator
  doc: Document
}

export interface ParsedRuleFile {
  /** false when the file had a YAML syntax error: its declarations are unknown */
  complete: boolean
  sources: Declaration[]
  targets: Declaration[]
  routes: RouteItem[]
  notify: Declaration[]
}

/**
 * Parses one file (YAML, or JSON which is YAML), expands `${VAR}` in every string value and
 * splits it into declarations. Problems go to `problems`; a file with a syntax error yields
 * nothing more, since its structure cannot be trusted.
 */
export function parseRuleFile(file: RuleFile, env: Env, problems: ProblemList): ParsedRuleFile {
  const parsed: ParsedRuleFile = { complete: true, sources: [], targets: [], routes: [], notify: [] }
  const loc: FileLocator = { file: file.path, text: file.text, lineCounter: new LineCounter() }
  const doc = parseDocument(file.text, { lineCounter: loc.lineCounter, prettyErrors: false, merge: true, uniqueKeys: true })
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      problems.add(positionAt(loc, err.pos[0]), `YAML syntax error: ${err.message}`)
    }
    return { ...parsed, complete: false }
  }
  if (!structureIsSafe(doc, loc, problems)) {
    return { ...parsed, complete: false }
  }
  expandDocument(doc, loc, env, problems)
  const root = doc.contents
  if (root === null || isEmptyScalar(root)) {
    return parsed // an empty file (or only comments) declares nothing
  }
  if (!isMap(root)) {
    problems.add(nodeOrigin(loc, root, positionAt(loc, 0)), 'a rule file must be a mapping with the keys sources, targets, routes and/or notify')
    return parsed
  }
  for (const entry of mapEntries(doc, root)) {
    const at = nodeOrigin(loc, entry.keyNode, positionAt(loc, 0))
    if (!(TOP_LEVEL_KEYS as readonly string[]).includes(entry.key)) {
      problems.add(at, `unknown top-level key ${JSON.stringify(entry.key)} (expected ${TOP_LEVEL_KEYS.join(', ')})`)
      continue
    }
    if (entry.value === null || isEmptyScalar(entry.value)) {
      continue
    }
    if (entry.key === 'routes') {
      if (!isSeq(entry.value)) {
        problems.add(nodeOrigin(loc, entry.value, at), 'routes must be a list: each route starts with "- name: ..."')
        continue
      }
      for (const item of entry.value.items) {
        const node = resolveNode(doc, item)
        parsed.routes.push({ node, origin: nodeOrigin(loc, node, at), loc, doc })
      }
      continue
    }
    const kind = entry.key === 'sources' ? 'source' : entry.key === 'targets' ? 'target' : 'notify entry'
    if (!isMap(entry.value)) {
      problems.add(nodeOrigin(loc, entry.value, at), `${entry.key} must be a mapping of ${kind} name to its definition`)
      continue
    }
    const list = entry.key === 'sources' ? parsed.sources : entry.key === 'targets' ? parsed.targets : parsed.notify
    for (const decl of mapEntries(doc, entry.value)) {
      list.push({ name: decl.key, keyNode: decl.keyNode, value: decl.value, origin: nodeOrigin(loc, decl.keyNode, at), loc, doc })
    }
  }
  return parsed
}

/**
 * The loader resolves aliases and merge keys by walking them (merge keys, option values), so
 * hostile structure must be refused before that: an alias inside the very node it names
 * (`a: &a { <<: *a }`) would recurse until the stack overflows, a "billion laughs" file (each
 * level aliasing the previous one several times) would take exponential time, and a merge key
 * on something that is not a mapping makes the yaml package throw. Each becomes a problem
 * located at the offending alias or merge value.
 */
function structureIsSafe(doc: Document, loc: FileLocator, problems: ProblemList): boolean {
  const before = problems.size
  const start = positionAt(loc, 0)
  let firstAlias: Node | null = null
  // an alias names the closest anchor before it; collected on the way (alias.resolve would
  // walk the whole document once per alias)
  const anchors = new Map<string, Node>()
  const resolve = (node: unknown): unknown => (isAlias(node) ? anchors.get(node.source) : node)
  visit(doc, {
    Pair(_key, pair) {
      if (!isScalar(pair.key) || typeof pair.key.value !== 'symbol') {
        return // not a `<<` merge key
      }
      const value = resolve(pair.value)
      const sources = isSeq(value) ? value.items.map(resolve) : [value]
      if (!sources.every((source) => isMap(source))) {
        const at = nodeOrigin(loc, isNode(pair.value) ? pair.value : null, nodeOrigin(loc, pair.key, start))
        problems.add(at, 'a merge key (<<) needs a mapping, an alias of one, or a list of them')
      }
    },
    Node(_key, node, path) {
      if (!isAlias(node)) {
        if (node.anchor) {
          anchors.set(node.anchor, node)
        }
        return
      }
      firstAlias ??= node
      const anchored = anchors.get(node.source)
      if (anchored !== undefined && (path as readonly unknown[]).includes(anchored)) {
        problems.add(
          nodeOrigin(loc, node, start),
          `alias *${node.source} is inside the node &${node.source} it refers to (a circular reference cannot be expanded)`
        )
      }
    },
  })
  if (problems.size !== before) {
    return false
  }
  try {
    // converting resolves every alias and merge; the yaml package counts alias expansions on
    // the way and throws past the limit
    doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT })
  } catch (err) {
    const message = (err as Error).message
    const bomb = /alias count/i.test(message)
    problems.add(
      nodeOrigin(loc, firstAlias, start),
      bomb ? `YAML aliases expand too much (limit: ${MAX_ALIAS_COUNT} expansions; an alias bomb?): ${message}` : `YAML cannot be read: ${message}`
    )
    return false
  }
  return true
}

function isEmptyScalar(node: Node): boolean {
  return isScalar(node) && node.value === null
}

/**
 * Expands variables in place, in string values only (never in keys: names must be literal).
 * This runs after YAML parsing, so a secret with `#`, `:` or quotes cannot break the syntax.
 */
function expandDocument(doc: Document, loc: FileLocator, env: Env, problems: ProblemList): void {
  visit(doc, {
    Scalar(key, node) {
      if (key === 'key' || typeof node.value !== 'string') {
        return
      }
      const { value, issues } = expandVariables(node.value, env)
      for (const issue of issues) {
        const at = positionAt(loc, valueIndexToOffset(loc, node, issue.index))
        problems.add(
          at,
          issue.name === null
            ? 'malformed variable reference: write ${NAME} or ${NAME:-default} (or $${ for a literal ${)'
            : `unresolved variable \${${issue.name}}: set ${issue.name} in the environment or give a default with \${${issue.name}:-default}`
        )
      }
      node.value = value
    },
  })
}
