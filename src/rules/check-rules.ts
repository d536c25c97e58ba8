import { RuleError, type RuleProblem } from '../errors.ts'
import { loadRules, type LoadRulesOptions } from './load-rules.ts'
import type { RuleSet } from './types.ts'

export type CheckRulesResult = { ok: true; ruleSet: RuleSet } | { ok: false; problems: RuleProblem[] }

/** `hookyard check`: loads the rule set exactly as `serve` would and returns every problem. */
export async function checkRules(dir: string, options: LoadRulesOptions = {}): Promise<CheckRulesResult> {
  try {
    return { ok: true, ruleSet: await loadRules(dir, options) }
  } catch (err) {
    if (err instanceof RuleError) {
      return { ok: false, problems: err.problems }
    }
    throw err
  }
}
