import type { AcceptInput, EventWriter } from '../store/accept-event.ts'
import type { DeliveryRecord, NewEventRecord } from '../store/records.ts'
import type { PlannedDelivery } from '../routing/plan-deliveries.ts'
import type { RuleSet } from '../rules/types.ts'
import { hashCooldownKey } from '../store/cooldown-store.ts'
import type { InboxJob } from './inbox-job.ts'

export interface StoreResult {
  /** set when the sender's delivery id was seen before: nothing was stored, this is the original event */
  duplicateOf: string | null
}

export interface Producer {
  /**
   * Stores the event and its deliveries and hands their jobs to the inbox, atomically, in one script
   * call shared with the events accepted alongside it; resolves only once Redis has them. With `dedupKey`, a repeat stores nothing.
   */
  store(event: NewEventRecord, rawBody: Buffer, planned: readonly PlannedDelivery[], ruleSet: RuleSet, options?: StoreOptions): Promise<StoreResult>
}

export interface StoreOptions {
  /** the sender's delivery id to claim (absent: no dedup) */
  dedupKey?: string | undefined
  /** how long the claim holds (absent: DEDUP_WINDOW) */
  dedupWindowMs?: number | undefined
  /** a schedule's event: the fire is recorded in the same atomic step */
  scheduleFire?: AcceptInput['scheduleFire']
}

export interface ProducerOptions {
  writer: EventWriter
  dedupWindowMs: number
}

export function createProducer(options: ProducerOptions): Producer {
  const { writer, dedupWindowMs } = options
  return {
    async store(event, rawBody, planned, ruleSet, { dedupKey, dedupWindowMs: windowMs = dedupWindowMs, scheduleFire } = {}) {
      const jobs = planned.flatMap((p) => toInboxJob(p, event, ruleSet))
      const duplicateOf = await writer.accept({
        event,
        rawBody,
        deliveries: planned.map((p) => toRecord(p, event, ruleSet)),
        jobs: jobs.length > 0 ? JSON.stringify(jobs) : '',
        dedupKey: dedupKey ?? null,
        dedupWindowMs: windowMs,
        scheduleFire,
      })
      return { duplicateOf }
    },
  }
}

function toInboxJob(p: PlannedDelivery, event: NewEventRecord, ruleSet: RuleSet): InboxJob[] {
  const target = ruleSet.targets.get(p.target)
  if (!p.request || !target) {
    return [] // a mapping the preset rejected: the delivery is stored as failed, nothing to send
  }
  const base = { target: target.name, timeoutMs: target.timeoutMs, retry: target.retry }
  if (p.cooldownKey === null) {
    const status = {
      ...(p.reports === undefined ? {} : { reports: p.reports }),
      ...(p.obsoleteWhen === undefined ? {} : { obsoleteWhen: p.obsoleteWhen }),
    }
    return [{ kind: 'deliver', attempts: target.retry.attempts, data: { ...base, id: p.id, event: event.id, route: p.route, ...status } }]
  }
  return [
    {
      kind: 'cooldown',
      attempts: target.retry.attempts,
      deliveryId: p.id,
      data: {
        ...base,
        keyHash: hashCooldownKey(p.cooldownKey),
        cooldownKey: p.cooldownKey,
        cooldownMs: target.cooldownMs,
        ...(target.flow.supersede ? { supersede: true } : {}),
      },
    },
  ]
}

function toRecord(p: PlannedDelivery, event: NewEventRecord, ruleSet: RuleSet): DeliveryRecord {
  const target = ruleSet.targets.get(p.target)
  return {
    id: p.id,
    event: event.id,
    source: event.source,
    route: p.route,
    target: p.target,
    status: p.request ? 'queued' : 'failed',
    created_at: event.received_at,
    updated_at: event.received_at,
    rules_version: ruleSet.version,
    attempts_made: 0,
    max_attempts: target?.retry.attempts ?? 0,
    request: p.request,
    error: p.error,
    cooldown_key: p.cooldownKey,
    ...(p.reports === undefined ? {} : { report_to: p.reports }),
  }
}
