import { isScalar } from 'yaml'
import type * as z from 'zod'
import { ExpressionError } from '../errors.ts'
import { compileExpression, UNSUPPORTED_REGEX, type CompiledExpression } from '../mapping/compile-expression.ts'
import { findUnknownFunctions } from '../mapping/find-unknown-functions.ts'
import type { Origin } from './types.ts'
import type { ValidationContext } from './validation-context.ts'
import { mapEntryAt, parseKey, type SchemaScope } from './report-schema-issues.ts'
import type { MapEntry } from './yaml-nodes.ts'
import { nodeOrigin, positionAt, valueIndexToOffset, type FileLocator } from './yaml-positions.ts'

export interface ExpressionScope {
  loc: FileLocator
  /** the definition's name, where to point when nothing better is known */
  origin: Origin
  /** e.g. `route ios-on-main` */
  prefix: string
}

/**
 * A JSONata key of a definition (`when`, `map`, `cooldown_key`): its schema checks that it is
 * text, then it is compiled where it is written.
 * @returns null when the key is absent or invalid (the problem is reported)
 */
export function compileExpressionKey(
  schema: z.ZodType<string | undefined>,
  key: string,
  input: Record<string, unknown>,
  scope: SchemaScope,
  ctx: ValidationContext
): CompiledExpression | null {
  const text = parseKey(schema, key, input, scope, ctx.problems)
  const entry = mapEntryAt(scope, [key])
  return typeof text !== 'string' || entry === undefined ? null : compileRuleExpression(text, entry, scope, ctx)
}

/**
 * Compiles JSONata text (as its schema parsed it) at load time. A syntax error is reported at the
 * exact character inside the expression (also inside a `|` block), not just at the key.
 * @returns null when the text is not a valid expression (the problem is reported)
 */
export function compileRuleExpression(text: string, entry: MapEntry, scope: ExpressionScope, ctx: ValidationContext): CompiledExpression | null {
  const { loc, prefix } = scope
  const at = nodeOrigin(loc, entry.value, nodeOrigin(loc, entry.keyNode, scope.origin))
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
