import { isMap, isSeq } from 'yaml'
import type { SourceType } from '../sources/types.ts'
import type { Declaration } from './parse-rule-file.ts'
import { parseWithSchema } from './report-schema-issues.ts'
import { sourceFields } from './rule-file-fields.ts'
import type { Origin, SourceDefinition } from './types.ts'
import { listKeys, type ValidationContext } from './validation-context.ts'
import { describeNode, mapEntries, resolveNode, setOwn, stringValue, toPlain, type MapEntry } from './yaml-nodes.ts'
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
  const sourceType = readType(decl, byKey.get('type'), ctx)
  const secretEntries = readSecrets(decl, byKey, ctx)
  const secrets = [...new Set(secretEntries.map((s) => s.value))]

  const input: Record<string, unknown> = {}
  for (const entry of entries) {
    if (!OWN_KEYS.has(entry.key)) {
      setOwn(input, entry.key, toPlain(decl.doc, entry.value))
    }
  }
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
    const scope = { loc: decl.loc, doc: decl.doc, node: decl.value, origin: decl.origin, prefix }
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
function readSecrets(decl: Declaration, byKey: ReadonlyMap<string, MapEntry>, ctx: ValidationContext): SecretEntry[] {
  const prefix = `source ${decl.name}`
  const { problems } = ctx
  const secret = byKey.get('secret')
  const list = byKey.get('secrets')
  const out: SecretEntry[] = []
  if (secret !== undefined && list !== undefined) {
    problems.add(nodeOrigin(decl.loc, list.keyNode, decl.origin), `${prefix}: set either secret or secrets, not both`)
  }
  if (secret !== undefined) {
    const value = stringValue(secret.value)
    const at = nodeOrigin(decl.loc, secret.value, nodeOrigin(decl.loc, secret.keyNode, decl.origin))
    if (value === undefined) {
      problems.add(at, `${prefix}: secret must be a string (quote it), got ${describeNode(secret.value)}`)
    } else if (value === '') {
      problems.add(at, `${prefix}: secret is empty`)
    } else {
      out.push({ value, at, what: 'secret' })
    }
  }
  if (list !== undefined) {
    const at = nodeOrigin(decl.loc, list.value, nodeOrigin(decl.loc, list.keyNode, decl.origin))
    if (!isSeq(list.value) || list.value.items.length === 0) {
      problems.add(at, `${prefix}: secrets must be a non-empty list of strings, got ${describeNode(list.value)}`)
      return out
    }
    for (const item of list.value.items) {
      const node = resolveNode(decl.doc, item)
      const value = stringValue(node)
      const itemAt = nodeOrigin(decl.loc, node, at)
      if (value === undefined) {
        problems.add(itemAt, `${prefix}: each of secrets must be a string (quote it), got ${describeNode(node)}`)
      } else if (value === '') {
        problems.add(itemAt, `${prefix}: a secret in secrets is empty`)
      } else {
        out.push({ value, at: itemAt, what: 'a secret in secrets' })
      }
    }
  }
  return out
}
