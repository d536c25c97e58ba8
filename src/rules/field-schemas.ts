import * as z from 'zod'
import { DURATION_TEXT, parseDuration } from './parse-duration.ts'
import { describeValue } from './yaml-nodes.ts'

/*
 * The kinds of values rule-file keys take, each with the error messages the loader reports
 * (built from the key's path, e.g. `retry.backoff`) and the parsed form it yields. The keys
 * themselves are in rule-file-fields.ts.
 */

/** Where an unknown key's name goes in the message of a `.strict()` object (report-schema-issues.ts puts each key there). */
export const UNKNOWN_KEY = '{key}'

const dotted = (path: readonly PropertyKey[] | undefined): string => (path ?? []).map(String).join('.')

/** What parseDuration says about a value it refuses, so the schema and the parser agree. */
function durationProblem(value: unknown): string {
  try {
    parseDuration(value)
    return 'invalid duration'
  } catch (err) {
    return (err as Error).message
  }
}

/** An error message built from the value's path, e.g. `retry.backoff`. */
function messageAt(describe: (label: string, input: unknown) => string): (iss: z.core.$ZodRawIssue) => string {
  return (iss) => describe(dotted(iss.path), iss.input)
}

const durationError = messageAt((label, input) => `${label}: ${durationProblem(input)}`)

/** A duration as written (one definition: it is `#/definitions/duration` in the JSON Schema). */
export const durationText = z
  .union([z.number({ error: durationError }).nonnegative({ error: durationError }), z.string({ error: durationError }).regex(new RegExp(`^(${DURATION_TEXT.source})$`), { error: durationError })], {
    error: durationError,
  })
  .meta({ id: 'duration', description: 'milliseconds, or a number with a unit: 500ms, 10s, 5m, 1h, 1d (parts may combine: 1h30m)' })

/** A duration parsed to whole milliseconds. */
export const duration = durationText.transform((value) => parseDuration(value))

/** A duration that must be longer than 0 (a timeout, a pause). */
export const positiveDuration = duration.refine((ms) => ms > 0, { error: messageAt((label) => `${label} must be greater than 0`) })

/** A whole number >= 1; a numeric string is what `${MAX_BUILDS:-2}` expands to. */
export function wholeNumber(hint = ''): z.ZodType<number, number | string> {
  const error = messageAt((label) => `${label} must be a whole number >= 1${hint}`)
  return z
    .union([z.number({ error }).int({ error }).min(1, { error }), z.string({ error }).trim().regex(/^\d+$/, { error })], { error })
    .transform((n) => Number(n))
}

/** A key that must be present; `missing` says what to write when it is not. */
export function required<T extends z.ZodType>(schema: T, missing: string): z.ZodNonOptional<z.ZodOptional<T>> {
  return schema.optional().nonoptional({ error: missing })
}

/** A mapping of known keys: an unknown one is named (at its position), anything but a mapping gets `notMapping`. */
export function strictMapping<T extends z.ZodRawShape>(shape: T, name: string, notMapping: string): z.ZodObject<T, z.core.$strict> {
  const expected = Object.keys(shape).join(', ')
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown ${name} key ${UNKNOWN_KEY} (expected ${expected})` : notMapping),
  })
}

/** The key an issue is about: its path's last segment. */
const keyOf = (iss: z.core.$ZodRawIssue): string => String(iss.path?.at(-1) ?? '')

function notAnExpression(iss: z.core.$ZodRawIssue): string {
  const key = keyOf(iss)
  const structured = typeof iss.input === 'object' && iss.input !== null
  const hint = structured ? `; write the JSONata as text, e.g. "${key}: |" with the expression on the following lines` : ' (quote it)'
  return `${key} must be a JSONata expression string, got ${describeValue(iss.input)}${hint}`
}

const emptyExpression = (iss: z.core.$ZodRawIssue): string => `${keyOf(iss)} is empty (omit the key instead)`

/** JSONata text; its syntax is checked where it is compiled, with positions (compile-rule-expression.ts). */
export const expression = z
  .string({ error: notAnExpression })
  .min(1, { error: emptyExpression })
  .refine((text) => text.trim() !== '', { error: emptyExpression })
  .describe('a JSONata expression')
