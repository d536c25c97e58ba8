import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { formatRuleProblem } from '../../../src/errors.ts'
import { checkRules } from '../../../src/rules/check-rules.ts'
import type { LoadRulesOptions } from '../../../src/rules/load-rules.ts'

/** A fixture directory, relative to the working directory as problems show it. */
export function fixture(name: string): string {
  return relative(process.cwd(), fileURLToPath(new URL(`../../fixtures/rules/${name}`, import.meta.url)))
}

export const SHIPPED_RULES = relative(process.cwd(), fileURLToPath(new URL('../../../rules', import.meta.url)))

/** `file:line:col message` lines of a directory that must fail to load. */
export async function problemLines(dir: string, options: LoadRulesOptions = {}): Promise<string[]> {
  const result = await checkRules(dir, { env: {}, ...options })
  if (result.ok) {
    throw new Error(`expected ${dir} to have problems, but it loaded`)
  }
  return result.problems.map(formatRuleProblem)
}

export function at(dir: string, file: string, line: number, col: number, message: string): string {
  return `${join(dir, file)}:${line}:${col} ${message}`
}
