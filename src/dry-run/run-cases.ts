import { formatRuleProblem, HookyardError } from '../errors.ts'
import { checkRules, type CheckRulesResult } from '../rules/check-rules.ts'
import type { RuleSet } from '../rules/types.ts'
import { listCaseFiles, readCase, type TestCase } from './case-file.ts'
import { buildInboundRequest } from './inbound-request.ts'
import { matchCase, recordedBuildLines, type PresetOf } from './match-case.ts'
import { runDryRun } from './run-dry-run.ts'

export interface CaseResult {
  name: string
  file: string
  passed: boolean
  /** the diff (or the reason the case could not run); empty when passed */
  lines: string[]
  /** shown whether the case passed or not: the builds read from recorded responses */
  notes: string[]
}

export interface RunCasesOptions {
  rulesDir: string
  casesDir: string
  userAgent: string
}

/**
 * Runs every case file in `casesDir` against the rules in `rulesDir`. The rules are loaded with
 * each case's `env` only (cached per distinct env), never the process environment: a case must
 * give the same answer on a laptop and in CI, with or without production secrets set.
 */
export async function runCases(options: RunCasesOptions): Promise<CaseResult[]> {
  const loads = new Map<string, Promise<CheckRulesResult>>()
  const results: CaseResult[] = []
  for (const file of await listCaseFiles(options.casesDir)) {
    const load = await readCase(file)
    if (!load.ok) {
      results.push({ name: load.name, file, passed: false, lines: [load.message], notes: [] })
      continue
    }
    const { testCase } = load
    const envKey = JSON.stringify(Object.entries(testCase.env).sort())
    let rules = loads.get(envKey)
    if (!rules) {
      rules = checkRules(options.rulesDir, { env: testCase.env })
      loads.set(envKey, rules)
    }
    const loaded = await rules
    const lines = loaded.ok
      ? await runCase(testCase, loaded.ruleSet, options.userAgent)
      : ['the rules do not load with this case\'s env:', ...loaded.problems.map((p) => `  ${formatRuleProblem(p)}`)]
    const notes = loaded.ok ? recordedBuildLines(testCase.expect, presetsOf(loaded.ruleSet)) : []
    results.push({ name: testCase.name, file, passed: lines.length === 0, lines, notes })
  }
  return results
}

/** The mismatches of one case (empty when it passes). */
export async function runCase(testCase: TestCase, ruleSet: RuleSet, userAgent: string): Promise<string[]> {
  const source = ruleSet.sources.get(testCase.source)
  if (!source) return [`no source named ${JSON.stringify(testCase.source)} in the rules`]
  const request = buildInboundRequest({
    sourceType: source.type,
    body: testCase.body,
    headers: testCase.headers,
    event: testCase.event,
    query: testCase.query,
  })
  try {
    const result = await runDryRun({ ruleSet, sourceName: testCase.source, request, userAgent })
    return matchCase(testCase.expect, result, presetsOf(ruleSet))
  } catch (err) {
    if (err instanceof HookyardError) return [`${err.code}: ${err.message}`]
    throw err
  }
}

function presetsOf(ruleSet: RuleSet): PresetOf {
  return (target) => ruleSet.targets.get(target)?.preset
}

/** `PASS name` / `FAIL name` plus the diff, then `N passed, M failed`. */
export function formatCaseResults(results: readonly CaseResult[], casesDir: string): string {
  if (results.length === 0) return `no test cases found in ${casesDir}\n`
  const lines: string[] = []
  for (const r of results) {
    lines.push(`${r.passed ? 'PASS' : 'FAIL'} ${r.name}  (${r.file})`, ...[...r.notes, ...r.lines].map((l) => `    ${l}`))
  }
  const failed = results.filter((r) => !r.passed).length
  lines.push('', `${results.length - failed} passed, ${failed} failed`)
  return `${lines.join('\n')}\n`
}
