/** The environment `${NAME}` references resolve against. */
export type Env = Readonly<Record<string, string | undefined>>

export interface VariableIssue {
  /** index in the original text where the `${` starts */
  index: number
  /** the variable name, or null when the reference is malformed */
  name: string | null
}

export interface Expansion {
  value: string
  /** unresolved (`${NAME}` without value or default) and malformed references */
  issues: VariableIssue[]
}

// `$${` is an escape for a literal `${`; the last alternative catches a `${` that is not a
// well-formed reference so it is reported instead of silently kept.
const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{/g

/**
 * Expands `${NAME}` and `${NAME:-default}` in one string value.
 * - `${NAME}`: the variable's value; an unset variable is an issue (an empty one is a value).
 * - `${NAME:-default}`: the default when the variable is unset or empty (as in the shell).
 * - `$${`: a literal `${` (e.g. `$${NAME}` stays `${NAME}`).
 */
export function expandVariables(text: string, env: Env): Expansion {
  const issues: VariableIssue[] = []
  if (!text.includes('${')) {
    return { value: text, issues }
  }
  const value = text.replace(REFERENCE, (match: string, name: string | undefined, fallback: string | undefined, index: number) => {
    if (match === '$${') {
      return '${'
    }
    if (name === undefined) {
      issues.push({ index, name: null })
      return match
    }
    const current = env[name]
    if (fallback !== undefined) {
      return current === undefined || current === '' ? fallback : current
    }
    if (current === undefined) {
      issues.push({ index, name })
      return match
    }
    return current
  })
  return { value, issues }
}
