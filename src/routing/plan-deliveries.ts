import type { Envelope } from '../envelope.ts'
import { ExpressionError, HookyardError } from '../errors.ts'
import { compileExpression, type CompiledExpression } from '../mapping/compile-expression.ts'
import type { RouteDefinition, RuleSet, TargetDefinition } from '../rules/types.ts'
import { explainWhen, isTruthy } from './explain-when.ts'
import { JSONATA_FUNCTIONS } from '../mapping/find-unknown-functions.ts'
import { dashboardLink } from '../dashboard-link.ts'
import type { CommitReport } from '../targets/commit-status.ts'
import type { OutboundRequest } from '../targets/types.ts'
import { buildStatusRequest, laterStatusIds, queuedDescription, resolveCommit, statusContext, statusDeliveryId } from './commit-status-posts.ts'

/** Per-route result of routing one event: the explain trace. */
export interface RouteOutcome {
  route: string
  status: 'matched' | 'not_matched' | 'error'
  /** why not matched, or what failed */
  reason?: string
  error?: { code: string; message: string; position?: number }
}

/** One (event, route, target) pair ready to be stored and queued. */
export interface PlannedDelivery {
  id: string
  route: string
  target: string
  /** null when the mapping did not satisfy the preset: the delivery fails at once */
  request: OutboundRequest | null
  error: string | null
  cooldownKey: string | null
  /** a trigger of a route with `report_to`: the commits whose status its outcome is posted to */
  reports?: CommitReport[]
  /** a status post: the deliveries whose existence makes it obsolete (a later status of the same commit) */
  obsoleteWhen?: string[]
}

export interface RoutingResult {
  routes: RouteOutcome[]
  deliveries: PlannedDelivery[]
}

export interface PlanOptions {
  eventId: string
  envelopes: readonly Envelope[]
  ruleSet: RuleSet
  userAgent: string
  /** HOOKYARD_PUBLIC_URL: a commit status links its delivery in the dashboard; absent: no link */
  publicUrl?: string | null | undefined
}

/**
 * Runs every route of the event's source over each envelope: `when`, then `map`, then the
 * preset's request builder. Pure and deterministic: the same event and rules yield the same
 * delivery ids, which makes a retried enqueue idempotent.
 */
export async function planDeliveries(options: PlanOptions): Promise<RoutingResult> {
  const { eventId, envelopes, ruleSet, userAgent, publicUrl } = options
  const first = envelopes[0]
  const routes = first ? (ruleSet.routesBySource.get(first.source) ?? []) : []
  const outcomes: RouteOutcome[] = []
  const deliveries: PlannedDelivery[] = []
  let triggers = 0
  for (const route of routes) {
    const perEnvelope: RouteOutcome[] = []
    for (const envelope of envelopes) {
      const outcome = await runRoute(route, envelope, ruleSet, publicUrl ?? null, (target, request, error, cooldownKey, extra = {}) => {
        // status posts take ids of their own (see statusDeliveryId): triggers keep numbering 1, 2, ...
        const { before, ...rest } = extra
        const id = rest.id ?? `${eventId}-${++triggers}`
        const planned = { id, route: route.name, target, request: request && withStandardHeaders(request, id, userAgent), error, cooldownKey, ...rest }
        const at = before === undefined ? -1 : deliveries.findIndex((d) => d.id === before)
        if (at < 0) deliveries.push(planned)
        else deliveries.splice(at, 0, planned)
        return id
      })
      perEnvelope.push(outcome)
    }
    outcomes.push(summarize(route.name, perEnvelope))
  }
  return { routes: outcomes, deliveries }
}

type Emit = (
  target: string,
  request: OutboundRequest | null,
  error: string | null,
  cooldownKey: string | null,
  /** `before`: planned (and so queued) ahead of that delivery */
  extra?: { id?: string; reports?: CommitReport[]; obsoleteWhen?: string[]; before?: string }
) => string

async function runRoute(route: RouteDefinition, envelope: Envelope, ruleSet: RuleSet, publicUrl: string | null, emit: Emit): Promise<RouteOutcome> {
  try {
    if (route.when && !isTruthy(await route.when.evaluate(envelope))) {
      // the same words as `hookyard test`, the stored explain trace and the dashboard show
      return { route: route.name, status: 'not_matched', reason: `when is false: ${await explainWhen(route.when.text, envelope)}` }
    }
    const routeMapped = route.map ? await route.map.evaluate(envelope) : undefined
    for (const targetName of route.to) {
      const target = ruleSet.targets.get(targetName)
      if (!target) {
        continue // the loader guarantees every target exists
      }
      const mapped = route.map ? routeMapped : await defaultMap(target).evaluate(envelope)
      const cooldownKey = await resolveCooldownKey(target, envelope)
      // most routes report nothing: no await and no status work on their path
      const reports = route.reportTo.length > 0 ? await commitReports(route, target, envelope, ruleSet) : []
      const extra = reports.length > 0 ? { reports } : {}
      let request: OutboundRequest | null = null
      let error: string | null = null
      try {
        request = target.preset.buildRequest(mapped, target.options)
      } catch (err) {
        if (!(err instanceof HookyardError)) {
          throw err
        }
        error = `route ${route.name}, target ${target.name}: ${err.message}`
      }
      const id = emit(target.name, request, error, cooldownKey, extra)
      if (reports.length > 0) emitFirstStatus(id, target, reports, error, ruleSet, dashboardLink(publicUrl, id), emit)
    }
    return { route: route.name, status: 'matched' }
  } catch (err) {
    return { route: route.name, status: 'error', reason: describeFailure(route, err), error: describeError(err) }
  }
}

/** The commits a trigger of this route reports to: one per `report_to` entry that finds a commit in the envelope. */
async function commitReports(route: RouteDefinition, target: TargetDefinition, envelope: Envelope, ruleSet: RuleSet): Promise<CommitReport[]> {
  const reports: CommitReport[] = []
  for (const entry of route.reportTo) {
    const reporter = ruleSet.targets.get(entry.target)
    const commit = reporter && (await resolveCommit(entry, envelope))
    if (reporter && commit) {
      reports.push({ target: reporter.name, ...commit, context: statusContext(reporter, route, target.name) })
    }
  }
  return reports
}

/**
 * The first status of each commit, stored and queued with the trigger itself: `pending` (saying
 * when a cooldown may fold it into a newer event), or `error` when the trigger could not be
 * built and will never go.
 * It is queued ahead of the trigger, so a worker takes it first and it is on its way before the
 * trigger's outcome is posted.
 */
function emitFirstStatus(triggerId: string, target: TargetDefinition, reports: readonly CommitReport[], error: string | null, ruleSet: RuleSet, link: string | null, emit: Emit): void {
  for (const report of reports) {
    const reporter = ruleSet.targets.get(report.target)
    if (!reporter) {
      continue
    }
    const phase = error === null ? 'pending' : 'error'
    const description = error === null ? queuedDescription(target) : `Not triggered: ${error}`
    const built = buildStatusRequest(reporter, report, { state: phase, description, targetUrl: link })
    emit(reporter.name, built.request, built.error, null, {
      id: statusDeliveryId(triggerId, reporter.name, phase),
      before: triggerId,
      ...(phase === 'pending' ? { obsoleteWhen: laterStatusIds(triggerId, reporter.name) } : {}),
    })
  }
}

async function resolveCooldownKey(target: TargetDefinition, envelope: Envelope): Promise<string | null> {
  // supersede needs a key even without a window: it names which deliveries replace each other
  if (target.cooldownMs <= 0 && !target.flow.supersede) {
    return null
  }
  if (!target.cooldownKey) {
    return target.name
  }
  const value = await target.cooldownKey.evaluate(envelope)
  return `${target.name}/${typeof value === 'string' ? value : JSON.stringify(value ?? null)}`
}

const defaultMaps = new Map<string, CompiledExpression>()

/**
 * Presets' default maps are compiled once per expression text and shared: compiled expressions
 * are immutable, and a preset whose default depends on its options has one text per variant.
 */
function defaultMap(target: TargetDefinition): CompiledExpression {
  const text = target.preset.defaultMapFor?.(target.options) ?? target.preset.defaultMap
  let compiled = defaultMaps.get(text)
  if (!compiled) {
    compiled = compileExpression(text)
    defaultMaps.set(text, compiled)
  }
  return compiled
}

/** Every request hookyard sends names itself and the delivery it belongs to. */
export function withStandardHeaders(request: OutboundRequest, deliveryId: string, userAgent: string): OutboundRequest {
  return { ...request, headers: { ...request.headers, 'User-Agent': userAgent, 'X-Hookyard-Delivery': deliveryId } }
}

/** A route over several envelopes (Bitbucket changes) matched if any envelope matched. */
function summarize(route: string, outcomes: RouteOutcome[]): RouteOutcome {
  return (
    outcomes.find((o) => o.status === 'error') ??
    outcomes.find((o) => o.status === 'matched') ??
    outcomes[0] ?? { route, status: 'not_matched', reason: 'no envelope' }
  )
}

/** Where the failing expression is written and which function failed: `rules/a.yaml:12: route r: $number(): D3030: ...`. */
function describeFailure(route: RouteDefinition, err: unknown): string {
  const token = err instanceof ExpressionError ? (err.cause as { token?: unknown } | undefined)?.token : undefined
  const isFunction = typeof token === 'string' && (JSONATA_FUNCTIONS.has(token) || (err as ExpressionError).jsonataCode === 'T1006')
  const fn = isFunction ? ` $${token}():` : ''
  return `${route.origin.file}:${route.origin.line}: route ${route.name}:${fn} ${(err as Error).message}`
}

function describeError(err: unknown): NonNullable<RouteOutcome['error']> {
  if (err instanceof ExpressionError) {
    return {
      code: err.jsonataCode ?? err.code,
      message: err.message,
      ...(err.position === undefined ? {} : { position: err.position }),
    }
  }
  return { code: 'ROUTING_FAILED', message: (err as Error).message }
}
