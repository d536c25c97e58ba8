import jsonata from 'jsonata'
import { ExpressionError } from '../errors.ts'
import { compileFast, SLOW_PATH } from './fast-expression.ts'

/** Guardrails applied to every JSONata expression, so a runaway rule cannot stall ingress. */
export interface ExpressionLimits {
  timeoutMs: number
  maxStackDepth: number
  maxSequenceLength: number
}

export const DEFAULT_EXPRESSION_LIMITS: ExpressionLimits = {
  timeoutMs: 50,
  maxStackDepth: 200,
  maxSequenceLength: 100_000,
}

/** A JSONata expression compiled once at load time and evaluated many times. */
export interface CompiledExpression {
  readonly text: string
  evaluate(input: unknown): Promise<unknown>
}

interface JsonataFailure {
  code?: string
  position?: number
  message?: string
}

/**
 * Compiles `text` with JSONata's guardrails (timeout, stack depth, sequence size). Expressions
 * within the subset of fast-expression.ts are evaluated directly, with the same results.
 * @throws ExpressionError `EXPRESSION_SYNTAX` with JSONata's code and character position.
 */
export function compileExpression(text: string, limits: ExpressionLimits = DEFAULT_EXPRESSION_LIMITS): CompiledExpression {
  let expr: jsonata.Expression
  try {
    expr = jsonata(text, {
      timeout: limits.timeoutMs,
      stack: limits.maxStackDepth,
      sequence: limits.maxSequenceLength,
    })
  } catch (err) {
    const f = err as JsonataFailure
    throw new ExpressionError('EXPRESSION_SYNTAX', `${f.code ?? 'S0000'}: ${f.message ?? String(err)}`, {
      jsonataCode: f.code,
      position: f.position,
      cause: err,
    })
  }
  // most rule expressions are paths, comparisons and object literals: those skip the interpreter
  const fast = compileFast(expr.ast())
  return {
    text,
    async evaluate(input: unknown): Promise<unknown> {
      const quick = fast ? fast(input) : SLOW_PATH
      if (quick !== SLOW_PATH) {
        return toPlain(quick)
      }
      try {
        return toPlain(await expr.evaluate(input))
      } catch (err) {
        const f = err as JsonataFailure
        throw new ExpressionError('EXPRESSION_FAILED', `${f.code ?? 'D0000'}: ${f.message ?? String(err)}`, {
          jsonataCode: f.code,
          position: f.position,
          cause: err,
        })
      }
    },
  }
}

/**
 * JSONata returns arrays tagged with a `sequence` flag and may return functions; strip both so
 * results can be serialised and compared like ordinary JSON values.
 */
function toPlain(value: unknown): unknown {
  if (value === undefined || typeof value === 'function') {
    return undefined
  }
  if (Array.isArray(value)) {
    return value.map(toPlain)
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      const plain = toPlain(v)
      if (plain !== undefined) {
        out[k] = plain
      }
    }
    return out
  }
  return value
}
