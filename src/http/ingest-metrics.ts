import type { IngestOutcome, MetricsRecorder } from '../metrics/metrics-recorder.ts'

/** The `source` label of a request to a source the rules do not define: paths are sender-chosen, labels must stay few. */
export const UNKNOWN_SOURCE_LABEL = '(unknown)'

/** What Node's HTTP server answers a request whose body did not arrive within HTTP_REQUEST_TIMEOUT. */
export const REQUEST_TIMEOUT_STATUS = 408

const OUTCOME_BY_STATUS: Record<number, IngestOutcome> = {
  400: 'bad_request',
  401: 'unauthorized',
  404: 'unknown_source',
  [REQUEST_TIMEOUT_STATUS]: 'incomplete',
  413: 'too_large',
  503: 'unavailable',
}

/**
 * Classifies a finished ingest request from what the sender is told (its status and body), so the
 * ingest logic itself needs no metrics hook: 202 accepted; 200 duplicate (`duplicate: true`), ping
 * (no `routes`: no route was evaluated) or no match; errors by status.
 */
export function ingestOutcome(status: number, body: Record<string, unknown>): IngestOutcome {
  if (status === 202) return 'accepted'
  if (status === 200) {
    if (body['duplicate'] === true) return 'duplicate'
    return 'routes' in body ? 'no_match' : 'ping'
  }
  return OUTCOME_BY_STATUS[status] ?? 'error'
}

/**
 * Records one ingest request; deliveries whose mapping the preset rejected fail right here at
 * ingress (they are never queued), so they are counted as failed deliveries now.
 */
export function recordIngest(
  metrics: MetricsRecorder,
  source: string,
  known: boolean,
  status: number,
  body: Record<string, unknown>
): void {
  metrics.eventReceived(known ? source : UNKNOWN_SOURCE_LABEL, ingestOutcome(status, body))
  const deliveries = body['deliveries']
  if (status !== 202 || !Array.isArray(deliveries)) return
  for (const d of deliveries as { target?: unknown; status?: unknown }[]) {
    if (d.status === 'failed' && typeof d.target === 'string') {
      metrics.deliveryFinished(d.target, 'failed')
    }
  }
}
