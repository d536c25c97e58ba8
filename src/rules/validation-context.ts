import type { ExpressionLimits } from '../mapping/compile-expression.ts'
import type { SourceType } from '../sources/types.ts'
import type { TargetPreset } from '../targets/types.ts'
import type { ProblemList } from './problem-list.ts'

/** What the validators share while one rule set is built. */
export interface ValidationContext {
  problems: ProblemList
  sourceTypes: ReadonlyMap<string, SourceType>
  targetPresets: ReadonlyMap<string, TargetPreset>
  limits: ExpressionLimits
}

/** Names appear in URLs (`/hooks/<source>`) and Redis keys, so they are kept to a safe alphabet. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/

export const NAME_RULE = "use letters, digits, '_', '.' and '-', starting with a letter or digit (names appear in URLs and Redis keys)"

/** Sorted, comma-separated keys of a registry, for "valid types: ..." hints. */
export function listKeys(registry: ReadonlyMap<string, unknown>): string {
  const keys = [...registry.keys()].sort()
  return keys.length === 0 ? '(none registered)' : keys.join(', ')
}
