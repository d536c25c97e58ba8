import type { IngestPipeline } from '../ingest/ingest-pipeline.ts'
import type { RuleSet } from '../rules/types.ts'
import type { InboundRequest } from '../sources/types.ts'
import { describeRouting } from './routing-reply.ts'

export interface AcceptDeps {
  pipeline: IngestPipeline
  getRuleSet: () => RuleSet
}

export interface AcceptResult {
  status: 200 | 202
  body: Record<string, unknown>
  /** Redis answered (stored, or a duplicate found): a store outage, if there was one, is over */
  storeReached: boolean
}

/**
 * The answer to one webhook POST: the pipeline verifies, routes and stores it; this only says so.
 * @throws HookyardError SOURCE_UNKNOWN, SIGNATURE_*, BODY_INVALID, STORE_UNAVAILABLE
 */
export async function acceptWebhook(deps: AcceptDeps, sourceName: string, req: InboundRequest): Promise<AcceptResult> {
  const outcome = await deps.pipeline.ingest({ kind: 'webhook', source: sourceName, request: req })
  switch (outcome.kind) {
    case 'ping':
      return { status: 200, body: { event: outcome.eventId, deliveries: [], reason: `${outcome.event} event: nothing to trigger` }, storeReached: false }
    case 'duplicate':
      return { status: 200, body: { event: outcome.eventId, duplicate: true }, storeReached: true }
    case 'stored':
      return { ...describeRouting(outcome.eventId, outcome.plan), storeReached: true }
  }
}
