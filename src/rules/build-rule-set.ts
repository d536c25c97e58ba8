import { createHash } from 'node:crypto'
import { basename } from 'node:path'
import { RuleError } from '../errors.ts'
import { DEFAULT_EXPRESSION_LIMITS, type ExpressionLimits } from '../mapping/compile-expression.ts'
import { sourceTypes as registeredSourceTypes } from '../sources/index.ts'
import type { SourceType } from '../sources/types.ts'
import { targetPresets as registeredTargetPresets } from '../targets/index.ts'
import type { TargetPreset } from '../targets/types.ts'
import { collectSecretValues } from './collect-secret-values.ts'
import type { Env } from './expand-variables.ts'
import { NameRegistry } from './name-registry.ts'
import { parseRuleFile, type RuleFile } from './parse-rule-file.ts'
import { ProblemList } from './problem-list.ts'
import type { NotifyDefinition, RouteDefinition, RuleSet, SourceDefinition, TargetDefinition } from './types.ts'
import { validateNotify } from './validate-notify.ts'
import { validateRoute } from './validate-route.ts'
import { validateSource } from './validate-source.ts'
import { validateTarget } from './validate-target.ts'
import type { ValidationContext } from './validation-context.ts'

export interface BuildRuleSetOptions {
  /** what `${NAME}` resolves against; default: empty (this function reads no process state) */
  env?: Env | undefined
  /** default: the real registry (tests inject small fakes) */
  sourceTypes?: ReadonlyMap<string, SourceType> | undefined
  /** default: the real registry */
  targetPresets?: ReadonlyMap<string, TargetPreset> | undefined
  limits?: ExpressionLimits | undefined
}

/**
 * Parses, expands, validates and compiles rule files into one rule set. Pure: no I/O.
 * Files are taken in the order given (their order is the route order). All-or-nothing: every
 * problem of every file is collected first.
 * @throws RuleError with every problem, sorted by file, line and column
 */
export function buildRuleSet(files: readonly RuleFile[], options: BuildRuleSetOptions = {}): RuleSet {
  const problems = new ProblemList()
  const ctx: ValidationContext = {
    problems,
    sourceTypes: options.sourceTypes ?? registeredSourceTypes,
    targetPresets: options.targetPresets ?? registeredTargetPresets,
    limits: options.limits ?? DEFAULT_EXPRESSION_LIMITS,
  }
  const parsed = files.map((file) => parseRuleFile(file, options.env ?? {}, problems))
  const names = {
    sources: new NameRegistry('source', problems),
    targets: new NameRegistry('target', problems),
    routes: new NameRegistry('route', problems),
    notify: new NameRegistry('notify', problems),
    complete: parsed.every((file) => file.complete),
  }

  // Every source and target of every file is declared before any route is checked, since a
  // route may refer to a name from another file. A duplicate is reported and not validated again.
  const sources = new Map<string, SourceDefinition>()
  const targets = new Map<string, TargetDefinition>()
  for (const file of parsed) {
    for (const decl of file.sources) {
      const def = names.sources.claim(decl.name, decl.origin) ? validateSource(decl, ctx) : null
      if (def !== null) {
        sources.set(def.name, def)
      }
    }
    for (const decl of file.targets) {
      const def = names.targets.claim(decl.name, decl.origin) ? validateTarget(decl, ctx) : null
      if (def !== null) {
        targets.set(def.name, def)
      }
    }
  }
  const notifiers = new Map<string, NotifyDefinition>()
  for (const file of parsed) {
    for (const decl of file.notify) {
      const def = names.notify.claim(decl.name, decl.origin) ? validateNotify(decl, ctx) : null
      if (def !== null) {
        notifiers.set(def.name, def)
      }
    }
  }
  const routes: RouteDefinition[] = []
  for (const file of parsed) {
    for (const [i, item] of file.routes.entries()) {
      const def = validateRoute(item, i + 1, names, ctx, { sources, targets })
      if (def !== null) {
        routes.push(def)
      }
    }
  }

  if (problems.size > 0) {
    throw new RuleError(problems.sorted(files.map((f) => f.path)))
  }
  return {
    version: ruleSetVersion(files),
    sources,
    targets,
    routes,
    notifiers,
    routesBySource: groupBySource(sources.keys(), routes),
    // a chat webhook URL is a credential
    secretValues: [...new Set([...collectSecretValues(sources.values(), targets.values()), ...[...notifiers.values()].map((n) => n.url)])],
  }
}

/** Every declared source gets an entry (maybe empty), in route file order. */
function groupBySource(sourceNames: Iterable<string>, routes: readonly RouteDefinition[]): Map<string, RouteDefinition[]> {
  const out = new Map<string, RouteDefinition[]>()
  for (const name of sourceNames) {
    out.set(name, [])
  }
  for (const route of routes) {
    for (const source of route.sources) {
      out.get(source)?.push(route)
    }
  }
  return out
}

/**
 * Content hash of the files (base names + texts, so it does not depend on how the directory was
 * given); reported by `check`, `/readyz` and logged on reload.
 */
function ruleSetVersion(files: readonly RuleFile[]): string {
  const hash = createHash('sha256')
  for (const file of files) {
    hash.update(`${basename(file.path)}\0${file.text}\0`)
  }
  return hash.digest('hex').slice(0, 12)
}
