import * as z from 'zod'
import { DURATION_TEXT } from './parse-duration.ts'

/**
 * The keys of a rule file that the loader reads itself (everything but the source types' and
 * target presets' options), defined once: the validators take their key lists from these
 * shapes, and the published JSON Schema (rule-file-schema.ts) is generated from them. The
 * validators check the values themselves, to report each problem at its exact position.
 */

/** A `${NAME}` or `${NAME:-default}` reference: expanded before validation, so any value may be one. */
export const VARIABLE_REFERENCE = '\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\\}'

const duration = z
  .union([z.number().nonnegative(), z.string().regex(new RegExp(`^(${DURATION_TEXT.source})$`))])
  .meta({ id: 'duration', description: 'milliseconds, or a number with a unit: 500ms, 10s, 5m, 1h, 1d (parts may combine: 1h30m)' })

const expression = z.string().min(1).describe('a JSONata expression')

const nameList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).meta({ id: 'names', description: 'a name or a list of names' })

/** Keys of a `sources:` entry besides its type's options. */
export const sourceFields = {
  type: z.string().describe('the source type'),
  secret: z.string().min(1).optional().describe('the shared secret (HMAC key or token) the sender signs with'),
  secrets: z.array(z.string().min(1)).min(1).optional().describe('several secrets, any of which verifies (rotation)'),
}

/** `retry:` of a target. */
export const retryFields = {
  attempts: z
    .union([z.number().int().min(1), z.string().regex(/^\d+$/)])
    .optional()
    .describe('total attempts, including the first (default 8)'),
  backoff: duration.optional().describe('the first retry delay, doubled on each retry (default 2s)'),
  max_backoff: duration.optional().describe('the longest retry delay (default 10m)'),
}

/** Keys of a `targets:` entry besides its preset's options. */
export const targetFields = {
  type: z.string().describe('the target preset'),
  cooldown: duration.optional().describe('coalesce deliveries within this window: the newest event fires when it ends'),
  cooldown_key: expression.optional().describe('JSONata: deliveries with different keys cool down separately'),
  retry: z
    .object(retryFields)
    .strict()
    .meta({ id: 'retry', description: 'retry policy (defaults: 8 attempts, backoff 2s, max_backoff 10m)' })
    .nullable()
    .optional(),
  timeout: duration.optional().describe('per attempt (default 10s)'),
  concurrency: z
    .union([z.number().int().min(1), z.string().regex(/^\d+$/)])
    .optional()
    .describe('most deliveries in flight to this target at once, across every worker (default: unlimited)'),
  supersede: z.boolean().optional().describe('a waiting delivery is dropped when a newer one with the same cooldown_key is queued'),
  circuit: z
    .object({
      failures: z.union([z.number().int().min(1), z.string().regex(/^\d+$/)]).describe('failed attempts in a row that open the circuit'),
      pause: duration.describe('how long the target stays paused before one probe (doubled on each failed probe, at most 1h)'),
    })
    .strict()
    .meta({ id: 'circuit', description: 'circuit breaker: pause the target after failures in a row' })
    .nullable()
    .optional(),
}

/** Keys of a `routes:` item. */
export const routeFields = {
  name: z.string().min(1).describe('a unique route name'),
  source: nameList.describe('the source, or a list of sources, to listen to'),
  when: expression.optional().describe('JSONata filter over the envelope: the route fires when it is true'),
  map: expression.optional().describe("JSONata producing the target's input (default: the preset's map)"),
  to: nameList.describe('the target, or a list of targets, to deliver to'),
  report_to: z
    .array(
      z.union([
        z.string().min(1),
        z
          .object({
            target: z.string().min(1).describe('the reporter target'),
            repository: expression.optional().describe("JSONata: the commit's repository (default: the pull request's, else the pushed one)"),
            sha: expression.optional().describe("JSONata: the commit id (default: the pull request's head, else the pushed commit)"),
          })
          .strict(),
      ])
    )
    .min(1)
    .meta({ id: 'report_to', description: 'reporter targets (github-status, gitlab-status, bitbucket-status, gitea-status) that post the commit status of each delivery' })
    .optional(),
}

/** The top-level keys of a rule file. */
export const TOP_LEVEL_KEYS = ['sources', 'targets', 'routes', 'notify'] as const
export type TopLevelKey = (typeof TOP_LEVEL_KEYS)[number]
