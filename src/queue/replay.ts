import type { DeliveryLog } from '../store/delivery-log.ts'
import type { DeliveryRecord } from '../store/records.ts'
import type { RuleSet } from '../rules/types.ts'
import type { OutboundRequest } from '../targets/types.ts'
import { DELIVER_JOB, deliveryJobOptions } from './delivery-job.ts'
import type { DeliveryQueues } from './delivery-queue.ts'

export interface ReplayerOptions {
  queues: Pick<DeliveryQueues, 'forTarget'>
  log: DeliveryLog
  getRuleSet: () => RuleSet
  retentionMs: number
}

export type ReplayResult =
  | { ok: true; delivery: DeliveryRecord & { replay_of: string } }
  | { ok: false; code: 'NOT_FOUND' | 'NO_REQUEST' | 'TARGET_UNKNOWN'; message: string }

export interface Replayer {
  /** Sends a stored delivery again, as a new delivery of the same event. */
  replay(deliveryId: string): Promise<ReplayResult>
}

/**
 * A replay is a new delivery (`<original>-r<n>`, `replay_of` set) carrying the stored request
 * byte for byte, except `X-Hookyard-Delivery`, which names the new delivery so the target can
 * tell the two apart. It is queued as a plain deliver job: a human asked for it, so it bypasses
 * the cooldown. Retry policy and timeout are the target's current ones; a target no longer in
 * the rules is refused rather than guessed.
 */
export function createReplayer(options: ReplayerOptions): Replayer {
  const { queues, log } = options

  return {
    async replay(deliveryId) {
      const original = await log.getDelivery(deliveryId)
      if (!original) {
        return { ok: false, code: 'NOT_FOUND', message: `no delivery ${deliveryId}` }
      }
      if (!original.request) {
        return { ok: false, code: 'NO_REQUEST', message: `delivery ${deliveryId} has no request to send (its mapping failed: re-run the event instead)` }
      }
      const target = options.getRuleSet().targets.get(original.target)
      if (!target) {
        return { ok: false, code: 'TARGET_UNKNOWN', message: `target ${original.target} is no longer in the rules` }
      }
      const n = await log.nextReplayNumber(deliveryId)
      if (n === null) {
        return { ok: false, code: 'NOT_FOUND', message: `no delivery ${deliveryId}` }
      }
      const id = `${original.id}-r${n}`
      const now = new Date().toISOString()
      const request = withDeliveryHeader(original.request, id)
      const record: DeliveryRecord & { replay_of: string } = {
        id,
        event: original.event,
        route: original.route,
        target: original.target,
        status: 'queued',
        created_at: now,
        updated_at: now,
        rules_version: original.rules_version,
        attempts_made: 0,
        max_attempts: target.retry.attempts,
        request,
        error: null,
        cooldown_key: null,
        replay_of: original.id,
        ...(original.source === undefined ? {} : { source: original.source }),
      }
      // stored before it is queued, as the producer does: a worker always finds the record
      await log.addDelivery(record)
      await queues.forTarget(record.target).add(
        DELIVER_JOB,
        { id, event: record.event, route: record.route, target: record.target, timeoutMs: target.timeoutMs, retry: target.retry },
        { jobId: id, ...deliveryJobOptions(target.retry.attempts, options.retentionMs) }
      )
      return { ok: true, delivery: record }
    },
  }
}

/** Same header order and bytes; only the delivery id header's value changes. */
function withDeliveryHeader(request: OutboundRequest, id: string): OutboundRequest {
  const headers: Record<string, string> = {}
  let found = false
  for (const [name, value] of Object.entries(request.headers)) {
    const isDeliveryHeader = name.toLowerCase() === 'x-hookyard-delivery'
    found ||= isDeliveryHeader
    headers[name] = isDeliveryHeader ? id : value
  }
  if (!found) {
    headers['X-Hookyard-Delivery'] = id
  }
  return { ...request, headers }
}
