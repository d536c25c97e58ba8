/**
 * One error base class with a stable string `code`. Errors become HTTP statuses only in
 * `http/` and retry decisions only in `queue/`; nothing in the core re-labels them.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'RULES_INVALID'
  | 'SIGNATURE_MISSING'
  | 'SIGNATURE_MISMATCH'
  | 'BODY_INVALID'
  | 'BODY_TOO_LARGE'
  | 'SOURCE_UNKNOWN'
  | 'EXPRESSION_SYNTAX'
  | 'EXPRESSION_FAILED'
  | 'MAPPING_INVALID'
  | 'TARGET_REJECTED'
  | 'TARGET_UNAVAILABLE'
  | 'STORE_UNAVAILABLE'
  | 'REDIS_NOT_FOUND'

export class HookyardError extends Error {
  readonly code: ErrorCode
  readonly details: Record<string, unknown> | undefined

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = code
    this.details = options?.details
  }
}

/** Configuration (environment, flags) is invalid; `issues` lists every problem, not just the first. */
export class ConfigError extends HookyardError {
  readonly issues: string[]
  constructor(issues: string[]) {
    super('CONFIG_INVALID', `invalid configuration:\n${issues.map((i) => `  ${i}`).join('\n')}`)
    this.issues = issues
  }
}

/** One problem in a rule file, located by file, line and column (1-based). */
export interface RuleProblem {
  file: string
  line: number
  col: number
  message: string
}

/** The rule set failed to load; `problems` holds every problem found. */
export class RuleError extends HookyardError {
  readonly problems: RuleProblem[]
  constructor(problems: RuleProblem[]) {
    super('RULES_INVALID', problems.map(formatRuleProblem).join('\n'))
    this.problems = problems
  }
}

export function formatRuleProblem(p: RuleProblem): string {
  return `${p.file}:${p.line}:${p.col} ${p.message}`
}

/** Authenticity could not be established. Always a 401; the reason goes only to the log. */
export class VerificationError extends HookyardError {
  constructor(code: 'SIGNATURE_MISSING' | 'SIGNATURE_MISMATCH', reason: string) {
    super(code, reason)
  }
}

/** The body cannot be parsed for the source's content type (400). */
export class BodyError extends HookyardError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('BODY_INVALID', message, options)
  }
}

/** A JSONata expression failed to compile or evaluate; carries JSONata's code and position. */
export class ExpressionError extends HookyardError {
  readonly jsonataCode: string | undefined
  readonly position: number | undefined
  constructor(
    code: 'EXPRESSION_SYNTAX' | 'EXPRESSION_FAILED',
    message: string,
    info: { jsonataCode?: string | undefined; position?: number | undefined; cause?: unknown }
  ) {
    super(code, message, { cause: info.cause })
    this.jsonataCode = info.jsonataCode
    this.position = info.position
  }
}

/** A mapping's output does not satisfy the target preset: the delivery fails permanently. */
export class MappingError extends HookyardError {
  constructor(message: string) {
    super('MAPPING_INVALID', message)
  }
}
