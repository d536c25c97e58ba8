import type jsonata from 'jsonata'
import { ExpressionError } from '../errors.ts'
import { createExpressionPool, type ExpressionPool } from './expression-pool.ts'
import { compileFast, SLOW_PATH } from './fast-expression.ts'
import { findRegexLiterals, unsupportedRegexReason } from './linear-regexp.ts'
import { DEFAULT_EXPRESSION_LIMITS, parseJsonata, toPlain, type ExpressionLimits, type JsonataFailure } from './run-jsonata.ts'

export { DEFAULT_EXPRESSION_LIMITS, type ExpressionLimits }

/** The `jsonataCode` of a regex literal the linear-time engine cannot run. */
export const UNSUPPORTED_REGEX = 'REGEX_UNSUPPORTED'

/** A JSONata expression compiled once at load time and evaluated many times. */
export interface CompiledExpression {
  readonly text: string
  evaluate(input: unknown): Promise<unknown>
}

let pool: ExpressionPool | null = null

/** Stops the threads slow expressions run on (at shutdown); the next slow evaluation starts new ones. */
export async function stopExpressionThreads(): Promise<void> {
  const stopping = pool
  pool = null
  await stopping?.close()
}

/**
 * Compiles `text` with JSONata's guardrails (timeout, stack depth, sequence size) and checks that
 * every regex literal runs on the linear-time engine. Expressions within the subset of
 * fast-expression.ts are evaluated directly, with the same results; anything else runs on a
 * worker thread under a hard deadline (expression-pool.ts).
 * @throws ExpressionError `EXPRESSION_SYNTAX` with JSONata's code and character position.
 */
export function compileExpression(text: string, limits: ExpressionLimits = DEFAULT_EXPRESSION_LIMITS): CompiledExpression {
  let expr: jsonata.Expression
  try {
    expr = parseJsonata(text, limits)
  } catch (err) {
    const f = err as JsonataFailure
    throw new ExpressionError('EXPRESSION_SYNTAX', `${f.code ?? 'S0000'}: ${f.message ?? String(err)}`, {
      jsonataCode: f.code,
      position: f.position,
      cause: err,
    })
  }
  const ast = expr.ast()
  for (const literal of findRegexLiterals(ast)) {
    const reason = unsupportedRegexReason(literal.regex)
    if (reason) {
      const flags = literal.regex.flags.replace('g', '')
      throw new ExpressionError('EXPRESSION_SYNTAX', reason, {
        jsonataCode: UNSUPPORTED_REGEX,
        position: literal.position,
        cause: { token: `/${literal.regex.source}/${flags}` },
      })
    }
  }
  // most rule expressions are paths, comparisons and object literals: those skip the interpreter
  const fast = compileFast(ast)
  return {
    text,
    async evaluate(input: unknown): Promise<unknown> {
      const quick = fast ? fast(input) : SLOW_PATH
      if (quick !== SLOW_PATH) {
        return toPlain(quick)
      }
      pool ??= createExpressionPool()
      return pool.evaluate(text, limits, input)
    },
  }
}
