import jsonata from 'jsonata'
import { LinearRegExp } from './linear-regexp.ts'

/** Guardrails applied to every JSONata expression, so a runaway rule cannot stall ingress. */
export interface ExpressionLimits {
  /** JSONata's own timeout, checked between evaluation steps */
  timeoutMs: number
  /** the hard deadline: past it the evaluating thread is stopped, whatever it is doing */
  deadlineMs: number
  maxStackDepth: number
  maxSequenceLength: number
}

export const DEFAULT_EXPRESSION_LIMITS: ExpressionLimits = {
  timeoutMs: 50,
  deadlineMs: 250,
  maxStackDepth: 200,
  maxSequenceLength: 100_000,
}

/** What JSONata throws: a plain object with a code and the position of the failing token. */
export interface JsonataFailure {
  code?: string
  position?: number
  message?: string
  token?: unknown
}

/** JSONata with the guardrails and the linear-time regex engine. @throws JsonataFailure on syntax errors */
export function parseJsonata(text: string, limits: ExpressionLimits): jsonata.Expression {
  return jsonata(text, {
    timeout: limits.timeoutMs,
    stack: limits.maxStackDepth,
    sequence: limits.maxSequenceLength,
    RegexEngine: LinearRegExp as unknown as RegExpConstructor,
  })
}

/**
 * JSONata returns arrays tagged with a `sequence` flag and may return functions; strip both so
 * results can be serialised, compared and passed between threads like ordinary JSON values.
 */
export function toPlain(value: unknown): unknown {
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

/** The parts of a JSONata failure that cross a thread boundary. */
export function describeFailure(err: unknown): JsonataFailure {
  const f = (err ?? {}) as JsonataFailure
  return {
    ...(f.code === undefined ? {} : { code: f.code }),
    ...(f.position === undefined ? {} : { position: f.position }),
    ...(f.token === undefined ? {} : { token: f.token }),
    message: f.message ?? String(err),
  }
}
