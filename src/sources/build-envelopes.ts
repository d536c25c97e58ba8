import { createHash } from 'node:crypto'
import type { Envelope } from '../envelope.ts'
import { redactHeaders, redactQuery } from '../secret-masking.ts'
import type { InboundRequest, ParsedEvent, SourceConfig } from './types.ts'

/** Stand-in delivery id for senders without one: the same bytes to the same source dedupe. */
export function deliveryKey(sourceName: string, rawBody: Buffer): string {
  return createHash('sha256').update(`${sourceName}\n`, 'utf8').update(rawBody).digest('hex').slice(0, 32)
}

/** The envelope's `delivery`: the sender's delivery id, else the body hash. */
export function senderDeliveryId(source: SourceConfig, req: InboundRequest, parsed: ParsedEvent): string {
  return parsed.deliveryId ?? deliveryKey(source.name, req.rawBody)
}

/**
 * The envelopes one verified request yields: one per normalized push (a Bitbucket push with
 * several changes is several envelopes, all carrying the request's delivery id), one per package
 * when the event names several, else exactly one with `push: null`.
 */
export function buildEnvelopes(
  source: SourceConfig,
  req: InboundRequest,
  parsed: ParsedEvent,
  receivedAt: Date
): Envelope[] {
  const base = {
    source: source.name,
    type: source.type,
    event: parsed.event,
    delivery: senderDeliveryId(source, req, parsed),
    received_at: receivedAt.toISOString(),
    headers: redactHeaders(req.headers),
    query: redactQuery(req.query),
    body: parsed.body,
    pull_request: parsed.pullRequest,
    package: parsed.package,
    ...(parsed.schedule ? { schedule: parsed.schedule } : {}),
  }
  if (parsed.pushes.length > 0) return parsed.pushes.map((push) => ({ ...base, push }))
  const packages = parsed.packages ?? []
  if (packages.length > 1) return packages.map((pkg) => ({ ...base, push: null, package: pkg }))
  return [{ ...base, push: null }]
}
