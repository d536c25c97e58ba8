import { CronExpressionParser, type CronExpression } from 'cron-parser'
import * as z from 'zod'
import type { ScheduleView } from '../envelope.ts'
import { BodyError, VerificationError } from '../errors.ts'
import type { InboundRequest, ParsedEvent, SourceConfig, SourceType } from './types.ts'

/** Fields of a cron expression: 5 (minute first) or 6 (seconds first). */
function fieldCount(cron: string): number {
  return cron.trim().split(/\s+/).length
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name })
    return true
  } catch {
    return false
  }
}

export const scheduleOptionsSchema = z
  .object({
    /** 5 fields (minute hour day month weekday), or 6 with seconds first */
    cron: z.string().superRefine((cron, ctx) => {
      const fields = fieldCount(cron)
      if (fields !== 5 && fields !== 6) {
        ctx.addIssue({ code: 'custom', message: `cron ${JSON.stringify(cron)} has ${fields} fields; expected 5 (minute first) or 6 (seconds first)` })
        return
      }
      try {
        CronExpressionParser.parse(cron, { strict: false })
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `invalid cron ${JSON.stringify(cron)}: ${(err as Error).message}` })
      }
    }),
    /** IANA time zone the cron fields are read in; DST gaps and repeats handled as cron does */
    timezone: z
      .string()
      .default('UTC')
      .superRefine((tz, ctx) => {
        if (!isTimeZone(tz)) ctx.addIssue({ code: 'custom', message: `unknown time zone ${JSON.stringify(tz)} (an IANA name such as Europe/Berlin or UTC)` })
      }),
    /** what rules see as `body`; default {} */
    body: z.unknown().optional(),
    /** missed ticks while no worker ran: `latest` fires the most recent one (if under 24 h old), `skip` none */
    misfire: z.enum(['latest', 'skip']).default('latest'),
  })
  .strict()

export type ScheduleOptions = z.infer<typeof scheduleOptionsSchema>

/** The most recent missed tick `misfire: latest` still fires. */
export const MISFIRE_MAX_AGE_MS = 24 * 3600_000

/**
 * Options are parsed once per source object: a rule set's sources never change (a reload builds new
 * ones), while the scheduler looks at them every second and every tick reads them twice.
 */
const parsedOptions = new WeakMap<SourceConfig, z.ZodSafeParseResult<ScheduleOptions>>()

function parseScheduleOptions(source: SourceConfig): z.ZodSafeParseResult<ScheduleOptions> {
  let parsed = parsedOptions.get(source)
  if (parsed === undefined) {
    parsed = scheduleOptionsSchema.safeParse(source.options)
    parsedOptions.set(source, parsed)
  }
  return parsed
}

/** @throws ZodError when the options are invalid (they were validated when the rules loaded) */
export function readScheduleOptions(source: SourceConfig): ScheduleOptions {
  const parsed = parseScheduleOptions(source)
  if (!parsed.success) throw parsed.error
  return parsed.data
}

function cronAt(options: ScheduleOptions, from: Date): CronExpression {
  return CronExpressionParser.parse(options.cron, { tz: options.timezone, currentDate: from })
}

/** The first tick strictly after `after`. */
export function nextFire(options: ScheduleOptions, after: Date): Date {
  return cronAt(options, after).next().toDate()
}

/** The next `count` ticks after `after`. */
export function nextFires(options: ScheduleOptions, after: Date, count: number): Date[] {
  const cron = cronAt(options, after)
  return Array.from({ length: count }, () => cron.next().toDate())
}

/** The latest tick strictly after `after` and at or before `until`; null when there is none. */
export function latestFireBetween(options: ScheduleOptions, after: Date, until: Date): Date | null {
  // the previous tick before until+1ms is the latest at or before until
  const latest = cronAt(options, new Date(until.getTime() + 1)).prev().toDate()
  return latest.getTime() > after.getTime() ? latest : null
}

/** The delivery id of a tick (its dedup key across processes) or of a manual run. */
export function scheduleDeliveryId(name: string, fireTime: Date, manual = false): string {
  return manual ? `${name}@manual-${fireTime.toISOString()}` : `${name}@${fireTime.toISOString()}`
}

const FIRE_TIME_HEADER = 'x-hookyard-fire-time'
const DELIVERY_HEADER = 'x-hookyard-delivery'

/**
 * A tick as the request the event keeps: the static body as JSON, the fire time and delivery id
 * in headers. Re-runs and the dashboard read it back like any stored request.
 */
export function scheduleRequest(source: SourceConfig, fireTime: Date, deliveryId: string): InboundRequest {
  const options = readScheduleOptions(source)
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hookyard-schedule': source.name,
      [FIRE_TIME_HEADER]: fireTime.toISOString(),
      [DELIVERY_HEADER]: deliveryId,
    },
    query: {},
    rawBody: Buffer.from(JSON.stringify(options.body ?? {}), 'utf8'),
  }
}

/**
 * A schedule: a source that fires on its own (cron), never over HTTP. Its envelope has
 * `event: "schedule"`, `delivery: "<name>@<fire time>"`, the static body and a `schedule` view.
 */
export const scheduleSource: SourceType = {
  type: 'schedule',
  scheduled: true,
  optionsSchema: scheduleOptionsSchema,
  verify(_req, source) {
    throw new VerificationError('SIGNATURE_MISMATCH', `source "${source.name}" is a schedule and takes no webhooks`)
  },
  parse(req, source): ParsedEvent {
    const read = parseScheduleOptions(source)
    if (!read.success) throw new BodyError(`schedule ${source.name}: invalid options`)
    const options = read.data
    const fireTime = req.headers[FIRE_TIME_HEADER]
    if (!fireTime || Number.isNaN(Date.parse(fireTime))) {
      throw new BodyError(`schedule ${source.name}: the tick has no fire time`)
    }
    let body: unknown
    try {
      body = JSON.parse(req.rawBody.toString('utf8'))
    } catch (err) {
      throw new BodyError(`schedule ${source.name}: the stored body is not JSON`, { cause: err })
    }
    const schedule: ScheduleView = { name: source.name, cron: options.cron, timezone: options.timezone, fire_time: new Date(fireTime).toISOString() }
    return {
      event: 'schedule',
      deliveryId: req.headers[DELIVERY_HEADER] ?? scheduleDeliveryId(source.name, new Date(fireTime)),
      ping: false,
      body,
      pushes: [],
      pullRequest: null,
      package: null,
      schedule,
    }
  },
}
