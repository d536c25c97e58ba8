import type { NotificationType, NotifyKind } from '../notify/notification.ts'
import type { CompiledExpression } from '../mapping/compile-expression.ts'
import type { SourceConfig } from '../sources/types.ts'
import type { TargetPreset } from '../targets/types.ts'
import type { FlowControl, RetryPolicy } from './rule-file-fields.ts'

/** Where a definition came from, for error messages and the explain trace. */
export interface Origin {
  file: string
  line: number
  col: number
}

export type { CircuitPolicy, FlowControl, RetryPolicy } from './rule-file-fields.ts'

export interface SourceDefinition extends SourceConfig {
  origin: Origin
}

export interface TargetDefinition {
  name: string
  type: string
  preset: TargetPreset
  /** preset-specific options, validated by the preset's schema */
  options: Record<string, unknown>
  cooldownMs: number
  /** JSONata over the envelope; null = the target's name */
  cooldownKey: CompiledExpression | null
  retry: RetryPolicy
  timeoutMs: number
  /** concurrency cap, supersede and circuit breaker */
  flow: FlowControl
  origin: Origin
}

export interface RouteDefinition {
  name: string
  sources: string[]
  /** null = always */
  when: CompiledExpression | null
  /** null = each preset's default map */
  map: CompiledExpression | null
  to: string[]
  /** reporter targets that post the commit status of each delivery of the route (`report_to`) */
  reportTo: ReportToDefinition[]
  origin: Origin
}

/** One `report_to` entry: a reporter target and, when the envelope does not name it, the commit. */
export interface ReportToDefinition {
  target: string
  /** JSONata over the envelope; null = the pull request's repository, else the pushed one */
  repository: CompiledExpression | null
  /** JSONata over the envelope; null = the pull request's head commit, else the pushed one */
  sha: CompiledExpression | null
}

/** One `notify:` entry: where alerts go and which ones. */
export interface NotifyDefinition {
  name: string
  type: NotifyKind
  /** a secret (a chat webhook URL is a credential): masked everywhere */
  url: string
  on: NotificationType[]
  origin: Origin
}

/** An immutable, fully validated and compiled rule set. Swapped as a whole on reload. */
export interface RuleSet {
  /** content hash of the rule files that produced it */
  version: string
  sources: ReadonlyMap<string, SourceDefinition>
  targets: ReadonlyMap<string, TargetDefinition>
  routes: readonly RouteDefinition[]
  notifiers: ReadonlyMap<string, NotifyDefinition>
  /** routes in file order, per source name */
  routesBySource: ReadonlyMap<string, readonly RouteDefinition[]>
  /** every secret value (source secrets, secret target options), for masking */
  secretValues: readonly string[]
}
