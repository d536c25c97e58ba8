import { isMap } from 'yaml'
import * as z from 'zod'
import { NOTIFICATION_TYPES, NOTIFY_KINDS } from '../notify/notification.ts'
import { hookUrlOption } from '../targets/option-schemas.ts'
import type { Declaration } from './parse-rule-file.ts'
import { parseWithSchema } from './report-schema-issues.ts'
import type { NotifyDefinition } from './types.ts'
import type { ValidationContext } from './validation-context.ts'
import { describeNode, mapEntries, setOwn, toPlain } from './yaml-nodes.ts'
import { nodeOrigin } from './yaml-positions.ts'

export const notifySchema = z
  .object({
    type: z.enum(NOTIFY_KINDS, { error: `must be one of ${NOTIFY_KINDS.join(', ')}` }),
    url: hookUrlOption,
    on: z
      .array(z.enum(NOTIFICATION_TYPES, { error: `must be one of ${NOTIFICATION_TYPES.join(', ')}` }))
      .min(1, `list at least one of ${NOTIFICATION_TYPES.join(', ')}`),
  })
  .strict()

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
  const parsed = parseWithSchema(notifySchema, input, scope, ctx.problems) as z.infer<typeof notifySchema> | null
  if (parsed === null) {
    return null
  }
  return { name: decl.name, type: parsed.type, url: parsed.url, on: [...new Set(parsed.on)], origin: decl.origin }
}
