/**
 * A direct evaluator for the JSONata that rules are mostly made of: field paths, literals,
 * comparisons, `and`/`or`, `&`, `in`, `? :`, object constructors and `$exists`/`$lowercase`/
 * `$uppercase`. JSONata's interpreter spends tens of microseconds on such an expression (a promise
 * and several allocations per node); this runs it in well under one.
 *
 * It never guesses: an expression using anything else is not compiled (null), and whenever a value
 * would bring in semantics this file does not reproduce (arrays and their sequence flattening,
 * number formatting, type errors, deep equality), evaluation answers SLOW_PATH and the caller runs
 * the real JSONata evaluator instead. A property test holds it to JSONata's results.
 */

/** "Ask JSONata": returned when the value at hand needs semantics this evaluator leaves to JSONata. */
export const SLOW_PATH: unique symbol = Symbol('slow-path')

export type FastEvaluator = (input: unknown) => unknown

interface Node {
  type: string
  value?: unknown
  steps?: Node[]
  lhs?: Node | Node[][]
  rhs?: Node
  condition?: Node
  then?: Node
  else?: Node
  expressions?: Node[]
  arguments?: Node[]
  procedure?: Node
}

/** The fast evaluator for a JSONata AST (`jsonata(text).ast()`), or null when it uses anything else. */
export function compileFast(ast: unknown): FastEvaluator | null {
  try {
    return compile(ast as Node)
  } catch (err) {
    if (err === UNSUPPORTED) return null
    throw err
  }
}

const UNSUPPORTED = new Error('unsupported expression')

function compile(node: Node): FastEvaluator {
  switch (node.type) {
    case 'string':
    case 'number':
    case 'value':
      return constant(node)
    case 'path':
      return compilePath(node)
    case 'binary':
      return compileBinary(node)
    case 'condition':
      return compileCondition(node)
    case 'block':
      if (node.expressions?.length !== 1) throw UNSUPPORTED
      return compile(node.expressions[0] as Node)
    case 'unary':
      if (node.value !== '{') throw UNSUPPORTED
      return compileObject(node)
    case 'function':
      return compileFunction(node)
    default:
      throw UNSUPPORTED
  }
}

function constant(node: Node): FastEvaluator {
  only(node, ['type', 'value', 'position'])
  const value = node.value
  return () => value
}

/** Keys beyond `allowed` mean a feature (predicate, stage, focus, ...) this evaluator does not run. */
function only(node: Node, allowed: readonly string[]): void {
  for (const [key, value] of Object.entries(node)) {
    if (value !== undefined && !allowed.includes(key)) throw UNSUPPORTED
  }
}

function compilePath(node: Node): FastEvaluator {
  only(node, ['type', 'steps'])
  const names = (node.steps ?? []).map((step) => {
    only(step, ['type', 'value', 'position'])
    if (step.type !== 'name' || typeof step.value !== 'string') throw UNSUPPORTED
    return step.value
  })
  if (names.length === 0) throw UNSUPPORTED
  return (input) => {
    let value = input
    for (const name of names) {
      if (Array.isArray(value)) return SLOW_PATH // JSONata maps the rest of the path over each item
      if (value === null || typeof value !== 'object') return undefined
      if (!Object.hasOwn(value, name)) return name in value ? SLOW_PATH : undefined
      value = (value as Record<string, unknown>)[name]
    }
    return Array.isArray(value) ? SLOW_PATH : value // a singleton array would be unwrapped
  }
}

function compileBinary(node: Node): FastEvaluator {
  only(node, ['type', 'value', 'position', 'lhs', 'rhs'])
  const left = compile(node.lhs as Node)
  const op = node.value
  if (op === 'in') return compileIn(left, node.rhs as Node)
  const right = compile(node.rhs as Node)
  switch (op) {
    case 'and':
      return (input) => {
        const l = left(input)
        if (l === SLOW_PATH) return SLOW_PATH
        if (!boolize(l)) return false
        const r = right(input)
        return r === SLOW_PATH ? SLOW_PATH : boolize(r)
      }
    case 'or':
      return (input) => {
        const l = left(input)
        if (l === SLOW_PATH) return SLOW_PATH
        if (boolize(l)) return true
        const r = right(input)
        return r === SLOW_PATH ? SLOW_PATH : boolize(r)
      }
    case '=':
    case '!=': {
      const negate = op === '!='
      return both(left, right, (l, r) => {
        if (l === undefined || r === undefined) return false
        if (isObject(l) || isObject(r)) return SLOW_PATH // deep equality
        return negate ? l !== r : l === r
      })
    }
    case '<':
    case '<=':
    case '>':
    case '>=':
      return both(left, right, (l, r) => compare(op, l, r))
    case '&':
      return both(left, right, (l, r) => {
        const ls = concatPart(l)
        const rs = concatPart(r)
        return ls === SLOW_PATH || rs === SLOW_PATH ? SLOW_PATH : ls + rs
      })
    default:
      throw UNSUPPORTED
  }
}

function both(left: FastEvaluator, right: FastEvaluator, combine: (l: unknown, r: unknown) => unknown): FastEvaluator {
  return (input) => {
    const l = left(input)
    if (l === SLOW_PATH) return SLOW_PATH
    const r = right(input)
    return r === SLOW_PATH ? SLOW_PATH : combine(l, r)
  }
}

/** `x in ["a", "b"]` with a list of literals; anything else on the right is JSONata's. */
function compileIn(left: FastEvaluator, rhs: Node): FastEvaluator {
  if (rhs.type !== 'unary' || rhs.value !== '[') throw UNSUPPORTED
  only(rhs, ['type', 'value', 'position', 'expressions'])
  const members = (rhs.expressions ?? []).map((e) => {
    if (e.type !== 'string' && e.type !== 'number' && e.type !== 'value') throw UNSUPPORTED
    only(e, ['type', 'value', 'position'])
    return e.value
  })
  return (input) => {
    const l = left(input)
    if (l === SLOW_PATH) return SLOW_PATH
    if (l === undefined) return false
    return isObject(l) ? SLOW_PATH : members.includes(l)
  }
}

/** JSONata's ordering: numbers with numbers, strings with strings, undefined if a side is missing. */
function compare(op: unknown, l: unknown, r: unknown): unknown {
  const lt = typeof l
  const rt = typeof r
  if ((lt !== 'undefined' && lt !== 'string' && lt !== 'number') || (rt !== 'undefined' && rt !== 'string' && rt !== 'number')) {
    return SLOW_PATH // JSONata raises T2010
  }
  if (l === undefined || r === undefined) return undefined
  if (lt !== rt) return SLOW_PATH // JSONata raises T2009
  const a = l as string | number
  const b = r as string | number
  return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b
}

/** `&` casts each side with $string; numbers (precision rules) and objects are left to JSONata. */
function concatPart(value: unknown): string | typeof SLOW_PATH {
  if (value === undefined) return ''
  if (typeof value === 'string') return value
  if (value === null || typeof value === 'boolean') return String(value)
  return SLOW_PATH
}

function compileCondition(node: Node): FastEvaluator {
  only(node, ['type', 'position', 'condition', 'then', 'else'])
  const condition = compile(node.condition as Node)
  const then = compile(node.then as Node)
  const otherwise = node.else ? compile(node.else) : () => undefined
  return (input) => {
    const c = condition(input)
    if (c === SLOW_PATH) return SLOW_PATH
    return boolize(c) ? then(input) : otherwise(input)
  }
}

/** `{ "key": expr, ... }` with distinct literal keys; a key whose value is undefined is left out. */
function compileObject(node: Node): FastEvaluator {
  only(node, ['type', 'value', 'position', 'lhs'])
  const pairs = (node.lhs as Node[][]).map(([key, value]) => {
    if (key?.type !== 'string' || typeof key.value !== 'string' || !value) throw UNSUPPORTED
    return [key.value, compile(value)] as const
  })
  const keys = pairs.map(([k]) => k)
  if (new Set(keys).size !== keys.length || keys.includes('__proto__')) throw UNSUPPORTED // JSONata: D1009
  return (input) => {
    if (Array.isArray(input)) return SLOW_PATH // an object constructor over a sequence groups
    const out: Record<string, unknown> = {}
    for (const [key, evaluate] of pairs) {
      const value = evaluate(input)
      if (value === SLOW_PATH) return SLOW_PATH
      if (value !== undefined) out[key] = value
    }
    return out
  }
}

const FUNCTIONS: Record<string, (value: unknown) => unknown> = {
  exists: (v) => v !== undefined,
  lowercase: (v) => (v === undefined ? undefined : typeof v === 'string' ? v.toLowerCase() : SLOW_PATH),
  uppercase: (v) => (v === undefined ? undefined : typeof v === 'string' ? v.toUpperCase() : SLOW_PATH),
}

function compileFunction(node: Node): FastEvaluator {
  only(node, ['type', 'value', 'position', 'arguments', 'procedure'])
  const procedure = node.procedure
  const name = procedure?.type === 'variable' && typeof procedure.value === 'string' ? procedure.value : ''
  const fn = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined
  if (!fn || node.value !== '(' || node.arguments?.length !== 1) throw UNSUPPORTED
  only(procedure as Node, ['type', 'value', 'position'])
  const argument = compile(node.arguments[0] as Node)
  return (input) => {
    const v = argument(input)
    return v === SLOW_PATH ? SLOW_PATH : fn(v)
  }
}

function isObject(value: unknown): boolean {
  return value !== null && typeof value === 'object'
}

/** JSONata's effective boolean value of a non-array: $boolean, with undefined as false. */
function boolize(value: unknown): boolean {
  if (typeof value === 'string') return value.length > 0
  if (typeof value === 'number') return value !== 0
  if (typeof value === 'boolean') return value
  if (isObject(value)) return Object.keys(value as object).length > 0
  return false
}
