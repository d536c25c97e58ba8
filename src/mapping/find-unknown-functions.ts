import jsonata from 'jsonata'

/**
 * JSONata's own functions (2.x). JSONata compiles a call of any `$name` and fails only when it runs
 * (`$lowerCase` instead of `$lowercase`): checking names at load time turns that into a `check`
 * error. A unit test keeps this list equal to what the installed JSONata provides.
 */
export const JSONATA_FUNCTIONS: ReadonlySet<string> = new Set(
  (
    'sum count max min average string substring substringBefore substringAfter lowercase uppercase length trim pad ' +
    'match contains replace split join formatNumber formatBase formatInteger parseInteger number floor ceil round abs ' +
    'sqrt power random boolean not map zip filter single reduce sift keys lookup append exists spread merge reverse ' +
    'each error assert type sort shuffle distinct base64encode base64decode encodeUrlComponent encodeUrl ' +
    'decodeUrlComponent decodeUrl eval toMillis fromMillis clone now millis'
  ).split(' ')
)

export interface UnknownFunction {
  /** without the `$` */
  name: string
  /** 0-based index of the `$` in the expression text */
  index: number
  /** JSONata's function of the same name in another case, e.g. `lowercase` for `lowerCase` */
  suggestion: string | null
}

interface AstNode {
  type?: string
  value?: unknown
  position?: number
  procedure?: AstNode
  rhs?: AstNode
  lhs?: AstNode
  arguments?: AstNode[]
}

/**
 * Function calls in a compiled-clean expression that name neither a JSONata function nor a
 * variable the expression binds itself (`$f := function(...)`, lambda parameters).
 * @param text an expression that compiles (syntax errors are reported elsewhere)
 */
export function findUnknownFunctions(text: string): UnknownFunction[] {
  const ast = jsonata(text).ast() as AstNode
  const bound = new Set<string>()
  const called: AstNode[] = []
  walk(ast, (node) => {
    if (node.type === 'bind' && node.lhs?.type === 'variable') bound.add(String(node.lhs.value))
    if (node.type === 'lambda') for (const arg of node.arguments ?? []) bound.add(String(arg.value))
    if ((node.type === 'function' || node.type === 'partial') && node.procedure?.type === 'variable') called.push(node.procedure)
    if (node.type === 'apply' && node.rhs?.type === 'variable') called.push(node.rhs)
  })
  const unknown: UnknownFunction[] = []
  for (const v of called) {
    const name = String(v.value)
    // `$` alone is the context value; `$$` the root
    if (name === '' || name === '$' || JSONATA_FUNCTIONS.has(name) || bound.has(name)) continue
    const suggestion = [...JSONATA_FUNCTIONS].find((f) => f.toLowerCase() === name.toLowerCase()) ?? null
    // JSONata's position is the 1-based index of the token's last character
    unknown.push({ name, index: Math.max(0, (v.position ?? 0) - name.length - 1), suggestion })
  }
  return unknown
}

function walk(node: unknown, visit: (node: AstNode) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit)
    return
  }
  if (node === null || typeof node !== 'object') return
  visit(node)
  for (const value of Object.values(node)) {
    if (value !== null && typeof value === 'object') walk(value, visit)
  }
}
