import type { IngestPipeline } from '../ingest/ingest-pipeline.ts'
import { describeRouting, type RoutingReplyBody } from './routing-reply.ts'

/** A re-run of a ping: nothing was stored or queued. */
export type PingRerunBody = { event: null; rerun_of: string; deliveries: []; reason: string }

export type RerunResult =
  | { status: 200; body: RoutingReplyBody<{ rerun_of: string }> | PingRerunBody }
  | { status: 202; body: RoutingReplyBody<{ rerun_of: string }> }
  | { status: 404 | 409; body: { error: { code: string; message: string } } }

/**
 * The answer to a re-run request: the pipeline routes the stored event again as a new one.
 * @throws HookyardError STORE_UNAVAILABLE when Redis does not take it
 */
export async function rerunEvent(deps: { pipeline: IngestPipeline }, originalId: string): Promise<RerunResult> {
  const outcome = await deps.pipeline.ingest({ kind: 'rerun', eventId: originalId })
  switch (outcome.kind) {
    case 'not_found':
      return { status: 404, body: { error: { code: 'NOT_FOUND', message: outcome.message } } }
    case 'refused':
      return { status: 409, body: { error: { code: outcome.code, message: outcome.message } } }
    case 'ping':
      return { status: 200, body: { event: null, rerun_of: originalId, deliveries: [], reason: `${outcome.event} event: nothing to trigger` } }
    case 'stored':
      return describeRouting(outcome.eventId, outcome.plan, { rerun_of: originalId })
  }
}
