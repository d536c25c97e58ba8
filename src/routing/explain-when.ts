import jsonata from 'jsonata'
import { compileExpression, type CompiledExpression } from '../mapping/compile-expression.ts'

/** The slice of JSONata's AST this module reads (jsonata's own typings leave most of it out). */
interface AstNode {
  type?: string
  value?: unknown
  position?: number
  lhs?: AstNode
  rhs?: AstNode
  steps?: AstNode[]
  expressions?: AstNode[]
  arguments?: AstNode[]
  procedure?: AstNode
  expression?: AstNode
  stages?: unknown[]
  predicate?: unknown[]
}

/**
 * Why a `when` expression that evaluated falsy is false, finer than "the whole thing is false":
 * a top-level `and` chain is split into its conjuncts and the first false one is named; an `or`
 * chain names every (false) alternative; parenthesised chains are explained recursively. Each
 * comparison shows the current value of the simple paths it reads, e.g.
 * `push.branch = "main" (push.branch is "feature-x")`.
 * The split points come from JSONata's own parser (a binary node's `position` is the end of its
 * operator token), so strings, regexes and comments containing "and" cannot mislead it; when
 * the token is not where expected, the expression is explained as a whole.
 * Returns the reason without the `when is false: ` prefix.
 */
export async function explainWhen(text: string, input: unknown): Promise<string> {
  return explainPart(text.trim(), input)
}

async function explainPart(text: string, input: unknown): Promise<string> {
  const ast = parse(text)
  if (!ast) return text
  if (ast.type === 'block' && ast.expressions?.length === 1 && text.startsWith('(') && text.endsWith(')')) {
    return explainPart(text.slice(1, -1).trim(), input)
  }
  const op = ast.type === 'binary' && (ast.value === 'and' || ast.value === 'or') ? ast.value : null
  const parts = op ? splitChain(text, ast, op) : null
  if (!op || !parts) return withValues(text, ast, input)
  if (op === 'and') {
    for (const part of parts) {
      const value = await tryEvaluate(part, input)
      if (value === FAILED) return text // the route itself reports evaluation errors
      if (!isTruthy(value)) return explainPart(part, input)
    }
    return text // every conjunct true on its own: nothing finer to say
  }
  const reasons = await Promise.all(parts.map((part) => explainPart(part, input)))
  return `none of: ${reasons.join('; ')}`
}

/** The operands of a chain of the same operator, cut at the operator tokens; null if positions disagree. */
function splitChain(text: string, ast: AstNode, op: 'and' | 'or'): string[] | null {
  const ends: number[] = []
  const walk = (node: AstNode): boolean => {
    if (node.type !== 'binary' || node.value !== op) return true
    if (!node.lhs || !node.rhs || node.position === undefined) return false
    if (!walk(node.lhs)) return false
    ends.push(node.position)
    return walk(node.rhs)
  }
  if (!walk(ast)) return null
  const parts: string[] = []
  let start = 0
  for (const end of ends) {
    const tokenStart = end - op.length
    if (text.slice(tokenStart, end) !== op || /[\w$]/.test(text[end] ?? ' ')) return null
    parts.push(text.slice(start, tokenStart).trim())
    start = end
  }
  parts.push(text.slice(start).trim())
  return parts.every((p) => p !== '') ? parts : null
}

/** `text (path is value, ...)` for the simple paths a comparison or function call reads. */
async function withValues(text: string, ast: AstNode, input: unknown): Promise<string> {
  const paths = [...new Set(simplePaths(ast))].slice(0, 3)
  if (paths.length === 1 && paths[0] === text) {
    return `${text} (is ${describe(await tryEvaluate(text, input))})`
  }
  const shown: string[] = []
  for (const path of paths) {
    const value = await tryEvaluate(path, input)
    if (value !== FAILED) shown.push(`${path} is ${describe(value)}`)
  }
  return shown.length > 0 ? `${text} (${shown.join(', ')})` : text
}

/** Dotted name paths (no predicates, no wildcards) under comparisons, `not`, and function arguments. */
function simplePaths(node: AstNode | undefined): string[] {
  if (!node) return []
  if (node.type === 'path') {
    const path = pathText(node)
    return path ? [path] : []
  }
  if (node.type === 'name') return typeof node.value === 'string' ? [quoteName(node.value)] : []
  if (node.type === 'binary') return [...simplePaths(node.lhs), ...simplePaths(node.rhs)]
  if (node.type === 'unary') return simplePaths(node.expression)
  if (node.type === 'function') return (node.arguments ?? []).flatMap(simplePaths)
  return []
}

function pathText(node: AstNode): string | null {
  const names: string[] = []
  for (const step of node.steps ?? []) {
    if (step.type !== 'name' || typeof step.value !== 'string' || step.stages?.length || step.predicate?.length) return null
    names.push(quoteName(step.value))
  }
  return names.length > 0 ? names.join('.') : null
}

function quoteName(name: string): string {
  return /^[A-Za-z_][\w]*$/.test(name) ? name : `\`${name}\``
}

/** A short rendering of a value for a one-line reason. */
function describe(value: unknown): string {
  if (value === undefined || value === FAILED) return 'missing'
  const json = JSON.stringify(value)
  return json.length > 80 ? `${json.slice(0, 77)}...` : json
}

const FAILED = Symbol('failed')

/**
 * Ingress explains every route that does not match, so the parts of each `when` are compiled once
 * and kept; a rules reload brings new texts, hence the cap (cleared when reached).
 */
const MAX_CACHED = 2_000
const compiled = new Map<string, CompiledExpression | null>()
const parsed = new Map<string, AstNode | null>()

function cached<T>(cache: Map<string, T>, text: string, make: () => T): T {
  let value = cache.get(text)
  if (value === undefined && !cache.has(text)) {
    if (cache.size >= MAX_CACHED) cache.clear()
    value = make()
    cache.set(text, value)
  }
  return value as T
}

async function tryEvaluate(text: string, input: unknown): Promise<unknown> {
  const expr = cached(compiled, text, () => {
    try {
      return compileExpression(text)
    } catch {
      return null
    }
  })
  if (!expr) return FAILED
  try {
    return await expr.evaluate(input)
  } catch {
    return FAILED
  }
}

function parse(text: string): AstNode | null {
  return cached(parsed, text, () => {
    try {
      return jsonata(text).ast() as AstNode
    } catch {
      return null
    }
  })
}

/** JSONata truthiness, as routing applies it to a `when` result. */
export function isTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(isTruthy)
  return Boolean(value)
}
