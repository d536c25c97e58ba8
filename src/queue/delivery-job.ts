import type { RetryPolicy } from '../rules/types.ts'
import type { OutboundRequest } from '../targets/types.ts'

export const DELIVERY_QUEUE = 'deliveries'
/** The job's backoff type: routes BullMQ's retry delay to our strategy (Retry-After, jitter). */
export const BACKOFF_TYPE = 'hookyard'

/** What the queue carries: everything one attempt needs, rendered once at ingress. */
export interface DeliveryJobData {
  id: string
  event: string
  route: string
  target: string
  request: OutboundRequest
  timeoutMs: number
  retry: RetryPolicy
}
