import type { RuleProblem } from '../errors.ts'
import type { Origin } from './types.ts'

/** Collects every problem of a load; nothing stops at the first one. */
export class ProblemList {
  readonly items: RuleProblem[] = []

  add(at: Origin, message: string): void {
    this.items.push({ file: at.file, line: at.line, col: at.col, message })
  }

  get size(): number {
    return this.items.length
  }

  /** Problems in file order (as the files were given), then by line and column. */
  sorted(fileOrder: readonly string[]): RuleProblem[] {
    const rank = (file: string): number => {
      const i = fileOrder.indexOf(file)
      return i === -1 ? fileOrder.length : i
    }
    return this.items
      .map((p, i) => ({ p, i }))
      .sort((a, b) => rank(a.p.file) - rank(b.p.file) || a.p.line - b.p.line || a.p.col - b.p.col || a.i - b.i)
      .map(({ p }) => p)
  }
}
