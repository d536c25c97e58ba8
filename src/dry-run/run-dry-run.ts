import { maskSecrets } from '../secret-masking.ts'
import type { PackageView, PullRequestView, PushView, ScheduleView } from '../envelope.ts'
import { readEvent, requireSource, routeEvent } from '../ingest/route-event.ts'
import type { RouteOutcome } from '../routing/plan-deliveries.ts'
import type { RuleSet, TargetDefinition } from '../rules/types.ts'
import type { InboundRequest } from '../sources/types.ts'
import type { OutboundRequest } from '../targets/types.ts'
import { eventHint } from './inbound-request.ts'
import { maskRequest } from './render-request.ts'

export interface DryRunDelivery {
  target: string
  /** masked; null when the mapping did not satisfy the preset */
  request: OutboundRequest | null
  error?: string
  /** the cooldown, concurrency cap, supersede and circuit breaker that apply (absent: none) */
  flow?: DryRunFlow
}

export interface DryRunFlow {
  /** the key cooldown and supersede group deliveries by (null: neither applies) */
  key: string | null
  cooldown_ms: number
  concurrency: number | null
  supersede: boolean
  circuit: { failures: number; pause_ms: number } | null
}

export interface DryRunRoute {
  route: string
  matched: boolean
  /** not matched: which part of `when` was false; error: what failed */
  reason?: string
  error?: NonNullable<RouteOutcome['error']>
  deliveries: DryRunDelivery[]
}

export interface DryRunResult {
  source: string
  type: string
  event: string
  delivery: string
  /** a ping/test event: ingress answers 200 and runs no route */
  ping: boolean
  pushes: PushView[]
  pull_request: PullRequestView | null
  package: PackageView | null
  /** schedule sources only: the tick this dry run fires */
  schedule?: ScheduleView
  hints: string[]
  routes: DryRunRoute[]
}

export interface DryRunOptions {
  ruleSet: RuleSet
  sourceName: string
  request: InboundRequest
  userAgent: string
  receivedAt?: Date
}

/** Delivery ids in a dry run: `dry-run-1`, `dry-run-2`, ... (deterministic, so case files can name them). */
const DRY_RUN_EVENT_ID = 'dry-run'

/**
 * Runs one inbound request through the same steps as the ingest pipeline (parse, envelopes, routing,
 * request building) except signature verification and storage: no Redis, nothing is sent. Every request,
 * reason and error message comes back with the rule set's secret values masked.
 * @throws HookyardError SOURCE_UNKNOWN; BodyError when ingress would answer 400
 */
export async function runDryRun(options: DryRunOptions): Promise<DryRunResult> {
  const { ruleSet, sourceName, request } = options
  const known = [...ruleSet.sources.keys()].join(', ') || 'none'
  const resolved = requireSource(ruleSet, sourceName, ` (sources: ${known})`)
  const { source } = resolved
  const { parsed, envelopes } = readEvent(resolved, request, options.receivedAt ?? new Date())
  const mask = (text: string): string => maskSecrets(text, ruleSet.secretValues)
  const hint = eventHint(source.type, request, parsed.event)
  const result: DryRunResult = {
    source: source.name,
    type: source.type,
    event: parsed.event,
    delivery: envelopes[0]?.delivery ?? '',
    ping: parsed.ping,
    pushes: parsed.pushes,
    pull_request: parsed.pullRequest,
    package: parsed.package,
    ...(parsed.schedule ? { schedule: parsed.schedule } : {}),
    hints: hint ? [hint] : [],
    routes: [],
  }
  if (parsed.ping) return result // ingress answers pings before routing

  const plan = await routeEvent({ eventId: DRY_RUN_EVENT_ID, envelopes, ruleSet, userAgent: options.userAgent })
  for (const outcome of plan.routes) {
    const deliveries = plan.deliveries
      .filter((d) => d.route === outcome.route)
      .map((d): DryRunDelivery => ({
        target: d.target,
        request: d.request && maskRequest(d.request, ruleSet.secretValues),
        ...(d.error === null ? {} : { error: mask(d.error) }),
        ...flowOf(ruleSet.targets.get(d.target), d.cooldownKey, mask),
      }))
    const route: DryRunRoute = { route: outcome.route, matched: outcome.status === 'matched', deliveries }
    if (outcome.reason !== undefined) route.reason = mask(outcome.reason)
    if (outcome.error) route.error = { ...outcome.error, message: mask(outcome.error.message) }
    result.routes.push(route)
  }
  return result
}

function flowOf(target: TargetDefinition | undefined, key: string | null, mask: (text: string) => string): { flow?: DryRunFlow } {
  if (!target) return {}
  const { concurrency, supersede, circuit } = target.flow
  if (target.cooldownMs <= 0 && concurrency === null && !supersede && circuit === null) return {}
  return {
    flow: {
      key: key === null ? null : mask(key),
      cooldown_ms: target.cooldownMs,
      concurrency,
      supersede,
      circuit: circuit && { failures: circuit.failures, pause_ms: circuit.pauseMs },
    },
  }
}
