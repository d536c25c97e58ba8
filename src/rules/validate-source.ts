import { isMap } from 'yaml'
import type { SourceType } from '../sources/types.ts'
import type { Declaration } from './parse-rule-file.ts'
import { parseOwnKeys, parseWithSchema, valueOriginAt, type SchemaScope } from './report-schema-issues.ts'
import { sourceFields, sourceSecrets } from './rule-file-fields.ts'
import type { Origin, SourceDefinition } from './types.ts'
import { listKeys, type ValidationContext } from './validation-context.ts'
import { describeNode, mapEntries, setOwn, stringValue, toPlain, type MapEntry } from './yaml-nodes.ts'
import { nodeOrigin } from './yaml-positions.ts'

/** Keys the loader reads itself; every other key goes to the source type's options schema. */
const OWN_KEYS = new Set(Object.keys(sourceFields))

/** Validates one `sources:` entry. Reports every problem; returns null when there was any. */
export function validateSource(decl: Declaration, ctx: ValidationContext): SourceDefinition | null {
  const { problems } = ctx
  const prefix = `source ${decl.name}`
  const before = problems.size
  if (!isMap(decl.value)) {
    problems.add(nodeOrigin(decl.loc, decl.value, decl.origin), `${prefix}: expected a mapping (type, secret, ...), got ${describeNode(decl.value)}`)
    return null
  }
  const entries = mapEntries(decl.doc, decl.value)
  const byKey = new Map(entries.map((e) => [e.key, e]))
  const scope: SchemaScope = { loc: decl.loc, doc: decl.doc, node: decl.value, origin: decl.origin, prefix }
  const sourceType = readType(decl, byKey.get('type'), ctx)

  const own: Record<string, unknown> = {}
  const input: Record<string, unknown> = {}
  for (const entry of entries) {
    setOwn(OWN_KEYS.has(entry.key) ? own : input, entry.key, toPlain(decl.doc, entry.value))
  }
  const secretEntries = readSecrets(own, byKey, scope, ctx)
  const secrets = [...new Set(secretEntries.map((s) => s.value))]
  const verifyEntry = byKey.get('verify')
  if (sourceType?.scheduled) {
    const secretEntry = byKey.get('secret') ?? byKey.get('secrets')
    if (secretEntry) {
      problems.add(nodeOrigin(decl.loc, secretEntry.keyNode, decl.origin), `${prefix}: a schedule takes no webhooks, so no secret; remove ${secretEntry.key}`)
    }
  } else if (secrets.length === 0 && input['verify'] !== 'none' && !byKey.has('secret') && !byKey.has('secrets')) {
    problems.add(
      decl.origin,
      `${prefix}: no secret: set secret (or secrets, for rotation), or say verify: none to accept unauthenticated requests`
    )
  }
  if (input['verify'] === 'none' && (byKey.has('secret') || byKey.has('secrets'))) {
    problems.add(nodeOrigin(decl.loc, verifyEntry?.keyNode, decl.origin), `${prefix}: verify: none contradicts secret/secrets; remove one of them`)
  }

  let options: Record<string, unknown> | null = null
  if (sourceType !== undefined) {
    options = parseWithSchema(sourceType.optionsSchema, input, scope, problems)
  }
  if (options !== null && sourceType?.secretProblem !== undefined) {
    for (const { value, at, what } of secretEntries) {
      const problem = sourceType.secretProblem(value, options)
      if (problem !== null) problems.add(at, `${prefix}: ${what} ${problem}`)
    }
  }
  if (options === null || sourceType === undefined || problems.size !== before) {
    return null
  }
  // the verifier must see `verify: none` even when the type's schema does not list it
  if (input['verify'] !== undefined && options['verify'] === undefined) {
    options = { ...options, verify: input['verify'] }
  }
  return { name: decl.name, type: sourceType.type, secrets, options, origin: decl.origin }
}

function readType(decl: Declaration, entry: MapEntry | undefined, ctx: ValidationContext): SourceType | undefined {
  const prefix = `source ${decl.name}`
  const valid = `valid types: ${listKeys(ctx.sourceTypes)}`
  if (entry === undefined) {
    ctx.problems.add(decl.origin, `${prefix}: missing type (${valid})`)
    return undefined
  }
  const at = nodeOrigin(decl.loc, entry.value, nodeOrigin(decl.loc, entry.keyNode, decl.origin))
  const name = stringValue(entry.value)
  const found = name === undefined ? undefined : ctx.sourceTypes.get(name)
  if (found === undefined) {
    const what = name === undefined ? describeNode(entry.value) : JSON.stringify(name)
    ctx.problems.add(at, `${prefix}: unknown type ${what} (${valid})`)
  }
  return found
}

/** One secret as written: its value, where it stands, and how a problem names it. */
interface SecretEntry {
  value: string
  at: Origin
  what: string
}

/** `secret: x` or `secrets: [x, y]` (rotation); never both. */
function readSecrets(own: Record<string, unknown>, byKey: ReadonlyMap<string, MapEntry>, scope: SchemaScope, ctx: ValidationContext): SecretEntry[] {
  const list = byKey.get('secrets')
  if (byKey.has('secret') && list !== undefined) {
    ctx.problems.add(nodeOrigin(scope.loc, list.keyNode, scope.origin), `${scope.prefix}: set either secret or secrets, not both`)
  }
  const parsed = parseOwnKeys(sourceSecrets, own, scope, ctx.problems)
  if (parsed === null) {
    return []
  }
  const out: SecretEntry[] = []
  if (parsed.secret !== undefined) {
    out.push({ value: parsed.secret, at: valueOriginAt(scope, ['secret']), what: 'secret' })
  }
  for (const [i, value] of (parsed.secrets ?? []).entries()) {
    out.push({ value, at: valueOriginAt(scope, ['secrets', i]), what: 'a secret in secrets' })
  }
  return out
}
