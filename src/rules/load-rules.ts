import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { RuleError, type RuleProblem } from '../errors.ts'
import { buildRuleSet, type BuildRuleSetOptions } from './build-rule-set.ts'
import type { RuleFile } from './parse-rule-file.ts'
import type { RuleSet } from './types.ts'

export interface LoadRulesOptions extends BuildRuleSetOptions {
  /** default: `process.env` (composition roots should pass it explicitly) */
  env?: BuildRuleSetOptions['env']
}

const RULE_FILE = /\.(ya?ml|json)$/i

/**
 * Loads every `*.yaml`, `*.yml` and `*.json` directly in `dir` (not recursive), in name order.
 * Names starting with `_` (e.g. `_example.yaml`) or `.` (editor and Kubernetes ConfigMap
 * internals) are skipped. An empty directory is a valid, empty rule set; a missing one is not.
 * Problems carry the file path as `join(dir, name)`, so relative to the working directory when
 * `dir` is relative.
 * @throws RuleError with every problem of every file
 */
export async function loadRules(dir: string, options: LoadRulesOptions = {}): Promise<RuleSet> {
  const { files, problems } = await readRuleFiles(dir)
  const env = options.env ?? process.env
  if (problems.length === 0) {
    return buildRuleSet(files, { ...options, env })
  }
  // report unreadable files together with the problems of the readable ones
  try {
    buildRuleSet(files, { ...options, env })
  } catch (err) {
    if (err instanceof RuleError) {
      problems.push(...err.problems)
    } else {
      throw err
    }
  }
  throw new RuleError(problems)
}

/** The rule files of `dir`, read; I/O failures become problems instead of exceptions. */
export async function readRuleFiles(dir: string): Promise<{ files: RuleFile[]; problems: RuleProblem[] }> {
  const at = (file: string, message: string): RuleProblem => ({ file, line: 1, col: 1, message })
  let names: string[]
  try {
    if (!(await stat(dir)).isDirectory()) {
      return { files: [], problems: [at(dir, 'rules path is not a directory')] }
    }
    names = await readdir(dir)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const message = code === 'ENOENT' ? 'rules directory not found' : `cannot read rules directory: ${(err as Error).message}`
    return { files: [], problems: [at(dir, message)] }
  }
  const files: RuleFile[] = []
  const problems: RuleProblem[] = []
  // plain code-unit order, so the order (and the routes' order) never depends on the locale
  const candidates = names.filter((n) => RULE_FILE.test(n) && !n.startsWith('_') && !n.startsWith('.')).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  for (const name of candidates) {
    const path = join(dir, name)
    try {
      // stat follows symlinks (ConfigMap mounts are symlinks); directories named *.yaml are skipped
      if (!(await stat(path)).isFile()) {
        continue
      }
      files.push({ path, text: await readFile(path, 'utf8') })
    } catch (err) {
      problems.push(at(path, `cannot read rule file: ${(err as Error).message}`))
    }
  }
  return { files, problems }
}
