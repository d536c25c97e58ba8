import * as z from 'zod'
import { sourceTypes } from '../sources/index.ts'
import { targetPresets } from '../targets/index.ts'
import { notifyFields, routeFields, sourceFields, targetFields, VARIABLE_REFERENCE, type TopLevelKey } from './rule-file-fields.ts'

/**
 * The JSON Schema of a rule file, for editors (`# yaml-language-server: $schema=...`), in draft 7,
 * which every YAML editor plugin reads. Generated from the definitions the loader validates with:
 * the loader's own keys (rule-file-fields.ts) plus each source type's and target preset's options
 * schema, one alternative per type. It describes the shape a file is written in:
 * cross-references (a route's source must exist), JSONata syntax and URL rules stay with
 * `hookyard check`.
 */
export function ruleFileJsonSchema(): Record<string, unknown> {
  // built once: the definitions register their ids (the $defs names) in zod's global registry
  built ??= build()
  return built
}

let built: Record<string, unknown> | undefined

function build(): Record<string, unknown> {
  const sources = [...sourceTypes.values()].map((t) =>
    z.object({ ...sourceFields, ...optionShape(t.optionsSchema, `source type ${t.type}`), type: z.literal(t.type) }).strict().meta({ id: `source-${t.type}` })
  )
  const targets = [...targetPresets.values()].map((p) =>
    z.object({ ...targetFields, ...optionShape(p.optionsSchema, `target preset ${p.type}`), type: z.literal(p.type) }).strict().meta({ id: `target-${p.type}` })
  )
  const fields = {
    sources: z.record(z.string(), z.discriminatedUnion('type', nonEmpty(sources))).nullable().describe('sources by name: POST /hooks/<name>'),
    targets: z.record(z.string(), z.discriminatedUnion('type', nonEmpty(targets))).nullable().describe('targets by name'),
    routes: z.array(z.object(routeFields).strict().meta({ id: 'route' })).nullable().describe('each route: a source, an optional filter and map, one or more targets'),
    notify: z.record(z.string(), notifyFields.meta({ id: 'notify' })).nullable().describe('alerts by name: where to post which notifications'),
  } satisfies Record<TopLevelKey, z.ZodType>
  const file = z.object(fields).partial().strict().nullable()
  const schema = z.toJSONSchema(file, { target: 'draft-7', io: 'input', unrepresentable: 'any', override: acceptVariables })
  return { ...schema, title: 'hookyard rule file', description: 'sources, targets, routes and notifications of a hookyard rules directory' }
}

type AnyObject = z.ZodObject<z.ZodRawShape>

function nonEmpty<T>(list: T[]): [T, ...T[]] {
  const [first, ...rest] = list
  if (first === undefined) {
    throw new Error('no source types or target presets to describe')
  }
  return [first, ...rest]
}

function optionShape(schema: z.ZodType, what: string): z.ZodRawShape {
  if (!(schema instanceof z.ZodObject)) {
    throw new Error(`${what}: the options schema must be a z.object to be published in the JSON Schema`)
  }
  return (schema as AnyObject).shape
}

/**
 * Any value of a rule file may be a `${NAME}` reference that only becomes a number, an enum
 * member, a boolean or a string of a given pattern once expanded, so those schemas also accept a reference. The `type`
 * discriminators (`const`) stay literal: the type decides which options apply.
 */
function acceptVariables(ctx: { jsonSchema: Record<string, unknown> }): void {
  const js = ctx.jsonSchema
  const typed = js['type'] === 'number' || js['type'] === 'integer' || js['type'] === 'boolean'
  // a patterned string (a user name without ':') may still be written as `${USER:-ci-bot}`
  const patterned = js['type'] === 'string' && js['pattern'] !== undefined
  if (!typed && !patterned && js['enum'] === undefined) {
    return
  }
  const original = { ...js }
  for (const key of Object.keys(js)) {
    delete js[key]
  }
  if (original['description'] !== undefined) {
    js['description'] = original['description']
    delete original['description']
  }
  js['anyOf'] = [original, { type: 'string', pattern: VARIABLE_REFERENCE }]
}
