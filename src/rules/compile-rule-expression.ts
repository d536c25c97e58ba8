import { isMap, isScalar, isSeq } from 'yaml'
import { ExpressionError } from '../errors.ts'
import { compileExpression, UNSUPPORTED_REGEX, type CompiledExpression } from '../mapping/compile-expression.ts'
import { findUnknownFunctions } from '../mapping/find-unknown-functions.ts'
import type { Origin } from './types.ts'
import type { ValidationContext } from './validation-context.ts'
import { describeNode, stringValue, type MapEntry } from './yaml-nodes.ts'
import { nodeOrigin, positionAt, valueIndexToOffset, type FileLocator } from './yaml-positions.ts'

export interface ExpressionScope {
  loc: FileLocator
  /** the definition's name, where to point when nothing better is known */
  origin: Origin
  /** e.g. `route ios-on-main` */
  prefix: string
}

/**
 * Compiles a `when`, `map` or `cooldown_key` at load time. A syntax error is reported at the
 * exact character inside the expression (also inside a `|` block), not just at the key.
 * @returns null when the value is not a valid expression (the problem is reported)
 */
export function compileRuleExpression(entry: MapEntry, scope: ExpressionScope, ctx: ValidationContext): CompiledExpression | null {
  const { loc, prefix } = scope
  const keyAt = nodeOrigin(loc, entry.keyNode, scope.origin)
  const at = nodeOrigin(loc, entry.value, keyAt)
  const text = stringValue(entry.value)
  if (text === undefined) {
    const hint = isMap(entry.value) || isSeq(entry.value) ? `; write the JSONata as text, e.g. "${entry.key}: |" with the expression on the following lines` : ' (quote it)'
    ctx.problems.add(at, `${prefix}: ${entry.key} must be a JSONata expression string, got ${describeNode(entry.value)}${hint}`)
    return null
  }
  if (text.trim() === '') {
    ctx.problems.add(at, `${prefix}: ${entry.key} is empty (omit the key instead)`)
    return null
  }
  try {
    const compiled = compileExpression(text, ctx.limits)
    for (const unknown of findUnknownFunctions(text)) {
      const where = isScalar(entry.value) ? positionAt(loc, valueIndexToOffset(loc, entry.value, unknown.index)) : at
      const hint = unknown.suggestion ? ` (did you mean $${unknown.suggestion}?)` : ''
      ctx.problems.add(where, `${prefix}: ${entry.key}: unknown function $${unknown.name}${hint}`)
    }
    return compiled
  } catch (err) {
    if (!(err instanceof ExpressionError) || !isScalar(entry.value)) {
      ctx.problems.add(at, `${prefix}: ${entry.key}: ${err instanceof Error ? err.message : String(err)}`)
      return null
    }
    const index = errorIndex(text, err)
    const offset = valueIndexToOffset(loc, entry.value, index)
    // a regex RE2 cannot run is valid JSONata: its message says what is wrong and what to do
    const what = err.jsonataCode === UNSUPPORTED_REGEX ? err.message : `JSONata syntax error ${err.message}`
    ctx.problems.add(positionAt(loc, offset), `${prefix}: ${entry.key}: ${what}`)
    return null
  }
}

/**
 * JSONata reports `position` as the 1-based index of the offending token's last character (for
 * the end of input, the length). Step back over the token so the column points at its start,
 * and off trailing whitespace so "unexpected end" points at the last real character.
 */
function errorIndex(text: string, err: ExpressionError): number {
  if (err.position === undefined) {
    return 0
  }
  const token = (err.cause as { token?: unknown } | undefined)?.token
  const length = typeof token === 'string' && token !== '(end)' ? token.length : 1
  let index = Math.min(Math.max(err.position - length, 0), text.length - 1)
  while (index > 0 && /\s/.test(text[index] ?? '')) {
    index--
  }
  return index
}
