import { isAlias, isMap, isNode, isScalar, isSeq, type Document, type Node, type YAMLMap } from 'yaml'

export interface MapEntry {
  key: string
  keyNode: Node
  /** the value with aliases resolved; null when empty (`key:`) */
  value: Node | null
}

/** A node with its `*alias` resolved to the anchored node. */
export function resolveNode(doc: Document, node: unknown): Node | null {
  if (isAlias(node)) {
    return node.resolve(doc) ?? null
  }
  return isNode(node) ? node : null
}

/**
 * The entries of a mapping, with `<<: *anchor` merge keys applied (explicit keys win, then the
 * merged mappings in order), so ops can share e.g. a retry policy between targets.
 */
export function mapEntries(doc: Document, map: YAMLMap): MapEntry[] {
  const explicit: MapEntry[] = []
  const merged: MapEntry[] = []
  for (const pair of map.items) {
    const keyNode = isNode(pair.key) ? pair.key : null
    if (keyNode === null) {
      continue
    }
    if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
      merged.push(...mergeSources(doc, pair.value).flatMap((source) => mapEntries(doc, source)))
      continue
    }
    const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode)
    explicit.push({ key, keyNode, value: resolveNode(doc, pair.value) })
  }
  const seen = new Set(explicit.map((e) => e.key))
  for (const entry of merged) {
    if (!seen.has(entry.key)) {
      seen.add(entry.key)
      explicit.push(entry)
    }
  }
  return explicit
}

function mergeSources(doc: Document, value: unknown): YAMLMap[] {
  const node = resolveNode(doc, value)
  if (isMap(node)) {
    return [node]
  }
  if (isSeq(node)) {
    return node.items.map((item) => resolveNode(doc, item)).filter((n): n is YAMLMap => isMap(n))
  }
  return []
}

/**
 * How many times aliases may be expanded in one conversion (the yaml package's `maxAliasCount`,
 * whose own default is 100). Real rule files share a retry policy or a defaults block between a
 * few dozen targets; a "billion laughs" file multiplies past this within a few levels.
 */
export const MAX_ALIAS_COUNT = 1000

/** The node as a plain JS value (aliases and merge keys resolved); undefined for no node. */
export function toPlain(doc: Document, node: Node | null): unknown {
  return node === null ? undefined : (node.toJS(doc, { maxAliasCount: MAX_ALIAS_COUNT }) as unknown)
}

/**
 * Sets `key` as an own property. Plain assignment of a rule file's `__proto__:` key would
 * replace the object's prototype instead, and the options schema would then read the values it
 * carries (`__proto__: { verify: none }`) as if they were set; as an own property it is
 * reported as an unknown option like any other typo.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

/** The string value of a scalar node, or undefined when the node is not a string scalar. */
export function stringValue(node: Node | null): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined
}

/** Short description of what a node holds, for "expected X, got Y" messages. */
export function describeNode(node: Node | null): string {
  if (node === null) {
    return 'nothing'
  }
  if (isMap(node)) {
    return 'a mapping'
  }
  if (isSeq(node)) {
    return 'a list'
  }
  if (isScalar(node)) {
    return describeValue(node.value)
  }
  return 'an unsupported value'
}

/** The same description for a plain value (what a schema sees). */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) {
    return 'nothing'
  }
  if (Array.isArray(value)) {
    return 'a list'
  }
  if (typeof value === 'string') {
    return `the string ${JSON.stringify(value)}`
  }
  // numbers, booleans, bigints (YAML scalars hold no other values)
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `${typeof value} ${value}`
  }
  return typeof value === 'object' ? 'a mapping' : typeof value
}
