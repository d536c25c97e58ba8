import type { Config } from '../config.ts'
import type { Logger } from '../logger.ts'
import { findPlaceholderSecrets } from '../rules/find-placeholder-secrets.ts'
import { loadRules, readRuleFiles } from '../rules/load-rules.ts'
import type { RuleSet } from '../rules/types.ts'

/** Loads the rule directory hookyard starts with, and warns when a placeholder secret is in use. */
export async function loadServingRules(config: Config, env: Record<string, string | undefined>, logger: Logger): Promise<RuleSet> {
  const ruleSet = await loadRules(config.rulesDir, { env })
  logger.info(
    { rules_dir: config.rulesDir, version: ruleSet.version, sources: ruleSet.sources.size, targets: ruleSet.targets.size, routes: ruleSet.routes.length },
    'rules loaded'
  )
  const placeholders = findPlaceholderSecrets((await readRuleFiles(config.rulesDir)).files, env)
  if (placeholders.length > 0) {
    const what = placeholders.map((p) => `${p.variables.join(', ')} (${p.file})`).join('; ')
    logger.warn({ placeholders }, `placeholder secrets "change-me" in use, anyone who reads the rule files could call in: set ${what}`)
  }
  return ruleSet
}
