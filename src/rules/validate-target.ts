import { isMap } from 'yaml'
import type { TargetPreset } from '../targets/types.ts'
import { compileExpressionKey } from './compile-rule-expression.ts'
import type { Declaration } from './parse-rule-file.ts'
import { parseOwnKeys, parseWithSchema, type SchemaScope } from './report-schema-issues.ts'
import { targetFields, targetSettings } from './rule-file-fields.ts'
import type { TargetDefinition } from './types.ts'
import { listKeys, type ValidationContext } from './validation-context.ts'
import { describeNode, mapEntries, setOwn, stringValue, toPlain, type MapEntry } from './yaml-nodes.ts'
import { nodeOrigin } from './yaml-positions.ts'

/** Keys the loader reads itself; every other key goes to the preset's options schema. */
const OWN_KEYS = new Set(Object.keys(targetFields))

/** Validates one `targets:` entry. Reports every problem; returns null when there was any. */
export function validateTarget(decl: Declaration, ctx: ValidationContext): TargetDefinition | null {
  const { problems } = ctx
  const prefix = `target ${decl.name}`
  const before = problems.size
  if (!isMap(decl.value)) {
    problems.add(nodeOrigin(decl.loc, decl.value, decl.origin), `${prefix}: expected a mapping (type, url, ...), got ${describeNode(decl.value)}`)
    return null
  }
  const entries = mapEntries(decl.doc, decl.value)
  const byKey = new Map(entries.map((e) => [e.key, e]))
  const preset = readPreset(decl, byKey.get('type'), ctx)
  const scope: SchemaScope = { loc: decl.loc, doc: decl.doc, node: decl.value, origin: decl.origin, prefix }

  const own: Record<string, unknown> = {}
  const rest: Record<string, unknown> = {}
  for (const entry of entries) {
    setOwn(OWN_KEYS.has(entry.key) ? own : rest, entry.key, toPlain(decl.doc, entry.value))
  }
  const settings = parseOwnKeys(targetSettings, own, scope, problems)
  const cooldownKey = compileExpressionKey(targetFields.cooldown_key, 'cooldown_key', own, scope, ctx)
  const options = preset === undefined ? null : parseWithSchema(preset.optionsSchema, rest, scope, problems)
  if (preset === undefined || options === null || settings === null) {
    return null
  }
  if (problems.size !== before) {
    return null
  }
  return {
    name: decl.name,
    type: preset.type,
    preset,
    options,
    cooldownMs: settings.cooldownMs ?? preset.defaultCooldownMs ?? 0,
    cooldownKey,
    retry: settings.retry,
    timeoutMs: settings.timeoutMs,
    flow: settings.flow,
    origin: decl.origin,
  }
}

function readPreset(decl: Declaration, entry: MapEntry | undefined, ctx: ValidationContext): TargetPreset | undefined {
  const prefix = `target ${decl.name}`
  const valid = `valid types: ${listKeys(ctx.targetPresets)}`
  if (entry === undefined) {
    ctx.problems.add(decl.origin, `${prefix}: missing type (${valid})`)
    return undefined
  }
  const at = nodeOrigin(decl.loc, entry.value, nodeOrigin(decl.loc, entry.keyNode, decl.origin))
  const name = stringValue(entry.value)
  const found = name === undefined ? undefined : ctx.targetPresets.get(name)
  if (found === undefined) {
    const what = name === undefined ? describeNode(entry.value) : JSON.stringify(name)
    ctx.problems.add(at, `${prefix}: unknown type ${what} (${valid})`)
  }
  return found
}
