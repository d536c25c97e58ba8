import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml'
import { expandVariables, type Env } from './expand-variables.ts'
import type { ProblemList } from './problem-list.ts'
import type { Origin } from './types.ts'
import { mapEntries, resolveNode } from './yaml-nodes.ts'
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
}

const TOP_LEVEL_KEYS = ['sources', 'targets', 'routes']

/**
 * Parses one file (YAML, or JSON which is YAML), expands `${VAR}` in every string value and
 * splits it into declarations. Problems go to `problems`; a file with a syntax error yields
 * nothing more, since its structure cannot be trusted.
 */
export function parseRuleFile(file: RuleFile, env: Env, problems: ProblemList): ParsedRuleFile {
  const parsed: ParsedRuleFile = { complete: true, sources: [], targets: [], routes: [] }
  const loc: FileLocator = { file: file.path, text: file.text, lineCounter: new LineCounter() }
  const doc = parseDocument(file.text, { lineCounter: loc.lineCounter, prettyErrors: false, merge: true, uniqueKeys: true })
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      problems.add(positionAt(loc, err.pos[0]), `YAML syntax error: ${err.message}`)
    }
    return { ...parsed, complete: false }
  }
  expandDocument(doc, loc, env, problems)
  const root = doc.contents
  if (root === null || isEmptyScalar(root)) {
    return parsed // an empty file (or only comments) declares nothing
  }
  if (!isMap(root)) {
    problems.add(nodeOrigin(loc, root, positionAt(loc, 0)), 'a rule file must be a mapping with the keys sources, targets and/or routes')
    return parsed
  }
  for (const entry of mapEntries(doc, root)) {
    const at = nodeOrigin(loc, entry.keyNode, positionAt(loc, 0))
    if (!TOP_LEVEL_KEYS.includes(entry.key)) {
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
    const kind = entry.key === 'sources' ? 'source' : 'target'
    if (!isMap(entry.value)) {
      problems.add(nodeOrigin(loc, entry.value, at), `${entry.key} must be a mapping of ${kind} name to its definition`)
      continue
    }
    const list = kind === 'source' ? parsed.sources : parsed.targets
    for (const decl of mapEntries(doc, entry.value)) {
      list.push({ name: decl.key, keyNode: decl.keyNode, value: decl.value, origin: nodeOrigin(loc, decl.keyNode, at), loc, doc })
    }
  }
  return parsed
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
