import { formatRuleProblem } from '../errors.ts'
import { checkRules } from '../rules/check-rules.ts'

/** `hookyard check [DIR]`: exit 0 when the rule set loads, 1 with one `file:line:col message` line per problem. */
export async function checkCommand(dir: string, env: Record<string, string | undefined>, out: NodeJS.WritableStream): Promise<number> {
  const result = await checkRules(dir, { env })
  if (!result.ok) {
    for (const problem of result.problems) {
      out.write(`${formatRuleProblem(problem)}\n`)
    }
    out.write(`${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} in ${dir}\n`)
    return 1
  }
  const rs = result.ruleSet
  out.write(`rules OK: ${rs.sources.size} sources, ${rs.targets.size} targets, ${rs.routes.length} routes (version ${rs.version})\n`)
  return 0
}
