import * as z from 'zod'
import { NOTIFICATION_TYPES, NOTIFY_KINDS } from '../notify/notification.ts'
import { hookUrlOption } from '../targets/option-schemas.ts'
import { duration, expression, positiveDuration, required, strictMapping, UNKNOWN_KEY, wholeNumber } from './field-schemas.ts'
import { describeValue } from './yaml-nodes.ts'

/**
 * The keys of a rule file that the loader reads itself (everything but the source types' and
 * target presets' options), defined once: their validation, error messages, defaults and parsed
 * types come from these schemas, and so does the published JSON Schema (rule-file-schema.ts).
 * The validators add what a schema cannot say: references between names, JSONata compiled
 * with positions, and the file:line:col of each problem (report-schema-issues.ts).
 */

/** A `${NAME}` or `${NAME:-default}` reference: expanded before validation, so any value may be one. */
export const VARIABLE_REFERENCE = '\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\\}'

const notAReporter = (iss: z.core.$ZodRawIssue): string =>
  `report_to entries are a reporter target name or { target, repository, sha }, got ${describeValue(iss.input)}`

const notAReporterList = (iss: z.core.$ZodRawIssue): string =>
  `report_to must be a list of reporter targets, e.g. report_to: [gh-status], got ${describeValue(iss.input)}`

/** `source:` (sources) or `to:` (targets): one name or a non-empty list of names, read as a list. */
function nameList(key: 'source' | 'to', kind: 'source' | 'target'): z.ZodType<string[], string | string[]> {
  const notAName = (iss: z.core.$ZodRawIssue): string => `${key} must be a ${kind} name or a list of them, got ${describeValue(iss.input)}`
  const name = z.string({ error: notAName }).min(1, { error: notAName })
  return z
    .union([name, z.array(name, { error: notAName }).min(1, { error: `${key} must name at least one ${kind}` })], { error: notAName })
    .transform((names) => (typeof names === 'string' ? [names] : names))
    .meta({ id: `${kind}-names`, description: `a ${kind} name or a list of them` })
}

const MAPPING_WITHOUT_TARGET = 'report_to entries are a reporter target name or { target, repository, sha }, got a mapping'

const MISSING_NAME = 'missing name (a unique route name is required)'

/** One secret: a string (a number or `yes` would be read as something else), never empty. */
function secretText(what: string, empty: string): z.ZodString {
  return z.string({ error: (iss) => `${what} must be a string (quote it), got ${describeValue(iss.input)}` }).min(1, { error: empty })
}

const secretsError = (iss: z.core.$ZodRawIssue): string => `secrets must be a non-empty list of strings, got ${describeValue(iss.input)}`

/** Keys of a `sources:` entry besides its type's options. */
export const sourceFields = {
  type: z.string().describe('the source type'),
  secret: secretText('secret', 'secret is empty').optional().describe('the shared secret (HMAC key or token) the sender signs with'),
  secrets: z
    .array(secretText('each of secrets', 'a secret in secrets is empty'), { error: secretsError })
    .min(1, { error: secretsError })
    .optional()
    .describe('several secrets, any of which verifies (rotation)'),
}

/** A source's `secret` / `secrets`, parsed (the type is read by the validator, from the registry). */
export const sourceSecrets = z.object(sourceFields).omit({ type: true })

const retry = strictMapping(
  {
    attempts: wholeNumber(' (total attempts, including the first)').default(8).describe('total attempts, including the first (default 8)'),
    backoff: duration.default(2_000).describe('the first retry delay, doubled on each retry (default 2s)'),
    max_backoff: duration.default(600_000).describe('the longest retry delay (default 10m)'),
  },
  'retry',
  'retry must be a mapping { attempts, backoff, max_backoff }'
)
  .superRefine((r, ctx) => {
    if (r.max_backoff < r.backoff) {
      ctx.addIssue({ code: 'custom', path: ['max_backoff'], message: 'retry.max_backoff must not be shorter than retry.backoff' })
    }
  })
  .transform((r) => ({ attempts: r.attempts, backoffMs: r.backoff, maxBackoffMs: r.max_backoff }))
  .meta({ id: 'retry', description: 'retry policy (defaults: 8 attempts, backoff 2s, max_backoff 10m)' })

export type RetryPolicy = z.output<typeof retry>

/** When `retry:` is absent or empty. */
export const DEFAULT_RETRY: RetryPolicy = retry.parse({})

const CIRCUIT_NEEDS_BOTH = 'circuit needs both failures (failed attempts in a row) and pause (a duration)'

const circuit = strictMapping(
  {
    failures: required(wholeNumber(), CIRCUIT_NEEDS_BOTH).describe('failed attempts in a row that open the circuit'),
    pause: required(positiveDuration, CIRCUIT_NEEDS_BOTH).describe('how long the target stays paused before one probe (doubled on each failed probe, at most 1h)'),
  },
  'circuit',
  'circuit must be a mapping { failures, pause }'
)
  .transform((c) => ({ failures: c.failures, pauseMs: c.pause }))
  .meta({ id: 'circuit', description: 'circuit breaker: pause the target after failures in a row' })

/** `circuit: { failures, pause }`: after `failures` failed attempts in a row the target pauses. */
export type CircuitPolicy = z.output<typeof circuit>

const NOT_A_BOOLEAN = 'supersede must be true or false'

/** Keys of a `targets:` entry besides its preset's options. */
export const targetFields = {
  type: z.string().describe('the target preset'),
  cooldown: duration.optional().describe('coalesce deliveries within this window: the newest event fires when it ends'),
  cooldown_key: expression.optional().describe('JSONata: deliveries with different keys cool down separately'),
  retry: retry.nullable().optional(),
  timeout: positiveDuration.default(10_000).describe('per attempt (default 10s)'),
  concurrency: wholeNumber().optional().describe('most deliveries in flight to this target at once, across every worker (default: unlimited)'),
  supersede: z
    .union([z.boolean({ error: NOT_A_BOOLEAN }), z.enum(['true', 'false'], { error: NOT_A_BOOLEAN })], { error: NOT_A_BOOLEAN })
    .default(false)
    .describe('a waiting delivery is dropped when a newer one with the same cooldown_key is queued'),
  circuit: circuit.nullable().optional(),
}

/**
 * A target's own settings, parsed: durations in milliseconds, defaults applied. `type` and
 * `cooldown_key` are read by the validator (the preset registry, JSONata with positions).
 */
export const targetSettings = z
  .object(targetFields)
  .omit({ type: true, cooldown_key: true })
  .transform((t) => ({
    /** undefined: the preset's default */
    cooldownMs: t.cooldown,
    timeoutMs: t.timeout,
    retry: t.retry ?? DEFAULT_RETRY,
    flow: { concurrency: t.concurrency ?? null, supersede: t.supersede === true || t.supersede === 'true', circuit: t.circuit ?? null },
  }))

export type TargetSettings = z.output<typeof targetSettings>
export type FlowControl = TargetSettings['flow']

/** Keys of a `routes:` item. */
export const routeFields = {
  name: required(z.string({ error: MISSING_NAME }).min(1, { error: MISSING_NAME }), MISSING_NAME).describe('a unique route name'),
  source: required(nameList('source', 'source'), 'missing source: the source or list of sources to listen to').describe('the source, or a list of sources, to listen to'),
  when: expression.optional().describe('JSONata filter over the envelope: the route fires when it is true'),
  map: expression.optional().describe("JSONata producing the target's input (default: the preset's map)"),
  to: required(nameList('to', 'target'), 'missing to: the target or list of targets to deliver to').describe('the target, or a list of targets, to deliver to'),
  report_to: z
    .array(
      z.union(
        [
          z.string({ error: notAReporter }).min(1, { error: notAReporter }).transform((target) => ({ target, repository: undefined, sha: undefined })),
          z.strictObject(
            {
              target: required(z.string({ error: MAPPING_WITHOUT_TARGET }).min(1, { error: MAPPING_WITHOUT_TARGET }), MAPPING_WITHOUT_TARGET).describe('the reporter target'),
              repository: expression.optional().describe("JSONata: the commit's repository (default: the pull request's, else the pushed one)"),
              sha: expression.optional().describe("JSONata: the commit id (default: the pull request's head, else the pushed commit)"),
            },
            { error: (iss) => (iss.code === 'unrecognized_keys' ? `report_to: unknown key ${UNKNOWN_KEY} (expected target, repository, sha)` : notAReporter(iss)) }
          ),
        ],
        { error: notAReporter }
      ),
      { error: notAReporterList }
    )
    .min(1, { error: notAReporterList })
    .meta({ id: 'report_to', description: 'reporter targets (github-status, gitlab-status, bitbucket-status, gitea-status) that post the commit status of each delivery' })
    .optional(),
}

/** A `notify:` entry. */
export const notifyFields = z
  .object({
    type: z.enum(NOTIFY_KINDS, { error: `must be one of ${NOTIFY_KINDS.join(', ')}` }),
    url: hookUrlOption,
    on: z
      .array(z.enum(NOTIFICATION_TYPES, { error: `must be one of ${NOTIFICATION_TYPES.join(', ')}` }))
      .min(1, `list at least one of ${NOTIFICATION_TYPES.join(', ')}`),
  })
  .strict()

/** The top-level keys of a rule file. */
export const TOP_LEVEL_KEYS = ['sources', 'targets', 'routes', 'notify'] as const
export type TopLevelKey = (typeof TOP_LEVEL_KEYS)[number]
