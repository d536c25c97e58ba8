import { RE2JS } from 're2js'

/**
 * Rule regexes run on RE2 (re2js): matching takes time linear in the input, so a pattern such as
 * `(a+)+$` cannot backtrack for minutes on a crafted commit message. RE2 has no backreferences
 * or lookaround; such a pattern is refused when the rules load (see unsupportedRegexReason).
 */

/** A RegExp's flags as RE2's: JSONata regexes take `i` and `m` only. */
function re2Flags(regex: RegExp): number {
  return (regex.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0) | (regex.multiline ? RE2JS.MULTILINE : 0) | (regex.dotAll ? RE2JS.DOTALL : 0)
}

function compileRe2(regex: RegExp): RE2JS {
  return RE2JS.compile(RE2JS.translateRegExp(regex.source), re2Flags(regex))
}

/**
 * The `RegexEngine` JSONata is given (`new RegexEngine(regex)`): it only reads `lastIndex` and
 * calls `exec`, and reads `[0..n]` and `index` from the result, like RegExp's.
 */
export class LinearRegExp {
  lastIndex = 0
  readonly #re: RE2JS

  constructor(regex: RegExp) {
    this.#re = compileRe2(regex)
  }

  exec(input: string): RegExpExecArray | null {
    const matcher = this.#re.matcher(input)
    if (this.lastIndex > input.length || !matcher.find(this.lastIndex)) {
      this.lastIndex = 0
      return null
    }
    const groups: (string | undefined)[] = []
    for (let i = 0; i <= matcher.groupCount(); i++) {
      groups.push(matcher.group(i) ?? undefined)
    }
    const match = Object.assign(groups, { index: matcher.start(), input }) as unknown as RegExpExecArray
    this.lastIndex = matcher.end()
    return match
  }
}

/** Why RE2 cannot run `regex` (with a hint), or null when it can. */
export function unsupportedRegexReason(regex: RegExp): string | null {
  try {
    compileRe2(regex)
    return null
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err)
    return (
      `regex /${regex.source}/ is not supported: ${detail}. Rule regexes run on a linear-time engine (RE2) ` +
      'without backreferences (\\1) or lookaround ((?=, (?!, (?<=, (?<!); match the parts separately, e.g. with $contains'
    )
  }
}

interface AstNode {
  type?: string
  value?: unknown
  position?: number
}

export interface RegexLiteral {
  regex: RegExp
  /** JSONata's position of the literal: the index just after its closing `/` and flags */
  position: number
}

/** Every regex literal in a JSONata AST (`jsonata(text).ast()`), wherever it is nested. */
export function findRegexLiterals(ast: unknown): RegexLiteral[] {
  const found: RegexLiteral[] = []
  const seen = new Set<unknown>()
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return
    seen.add(node)
    if (Array.isArray(node)) {
      node.forEach(walk)
      return
    }
    const n = node as AstNode
    if (n.type === 'regex' && n.value instanceof RegExp) {
      found.push({ regex: n.value, position: n.position ?? 0 })
      return
    }
    Object.values(node).forEach(walk)
  }
  walk(ast)
  return found
}
