import type { ProblemList } from './problem-list.ts'
import type { Origin } from './types.ts'
import { NAME_PATTERN, NAME_RULE } from './validation-context.ts'

/**
 * The global namespace of one kind of name (sources, targets or routes) across every file:
 * reports invalid names and duplicates (at the second, naming where the first is).
 */
export class NameRegistry {
  private readonly seen = new Map<string, Origin>()

  constructor(
    private readonly kind: 'source' | 'target' | 'route' | 'notify',
    private readonly problems: ProblemList
  ) {}

  /** @returns true when the name is new (even if malformed, so later references still resolve) */
  claim(name: string, at: Origin): boolean {
    if (!NAME_PATTERN.test(name)) {
      this.problems.add(at, `invalid ${this.kind} name ${JSON.stringify(name)}: ${NAME_RULE}`)
    }
    const first = this.seen.get(name)
    if (first !== undefined) {
      this.problems.add(at, `duplicate ${this.kind} name ${name} (first defined at ${first.file}:${first.line})`)
      return false
    }
    this.seen.set(name, at)
    return true
  }

  has(name: string): boolean {
    return this.seen.has(name)
  }

  /** Sorted, comma-separated, for "declared targets: ..." hints. */
  list(): string {
    const names = [...this.seen.keys()].sort()
    return names.length === 0 ? '(none)' : names.join(', ')
  }
}
