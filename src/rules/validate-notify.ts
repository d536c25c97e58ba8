import { isMap } from 'yaml'
import type { Declaration } from './parse-rule-file.ts'
import { parseWithSchema } from './report-schema-issues.ts'
import { notifyFields } from './rule-file-fields.ts'
import type { NotifyDefinition } from './types.ts'
import type { ValidationContext } from './validation-context.ts'
import { describeNode, mapEntries, setOwn, toPlain } from './yaml-nodes.ts'
import { nodeOrigin } from './yaml-positions.ts'

/** Validates one `notify:` entry. Reports every problem; returns null when there was any. */
export function validateNotify(decl: Declaration, ctx: ValidationContext): NotifyDefinition | null {
  const prefix = `notify ${decl.name}`
  if (!isMap(decl.value)) {
    ctx.problems.add(nodeOrigin(decl.loc, decl.value, decl.origin), `${prefix}: expected a mapping (type, url, on), got ${describeNode(decl.value)}`)
    return null
  }
  const input: Record<string, unknown> = {}
  for (const entry of mapEntries(decl.doc, decl.value)) {
    setOwn(input, entry.key, toPlain(decl.doc, entry.value))
  }
  const scope = { loc: decl.loc, doc: decl.doc, node: decl.value, origin: decl.origin, prefix }
  const parsed = parseWithSchema(notifyFields, input, scope, ctx.problems)
  if (parsed === null) {
    return null
  }
  return { name: decl.name, type: parsed.type, url: parsed.url, on: [...new Set(parsed.on)], origin: decl.origin }
}
