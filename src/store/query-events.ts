import type { Redis } from 'ioredis'
import type { Partitions } from './partitions.ts'
import { pipelineByPartition } from './pipeline-by-partition.ts'
import { fromFields } from './record-codec.ts'
import type { EventRecord } from './records.ts'
import { scanIndex, type IndexPosition, type ScanPage } from './scan-index.ts'

/** An event without its stored request: what lists need, without pulling bodies of up to MAX_BODY_BYTES. */
export type EventHead = Omit<EventRecord, 'request'>

const HEAD_FIELDS = ['id', 'source', 'type', 'event', 'delivery', 'received_at', 'rules_version', 'routes', 'deliveries', 'state', 'rerun_of'] as const

/** matched: some route matched; unmatched: none matched and none failed; error: some route failed. */
export type EventStatus = 'matched' | 'unmatched' | 'error'

export interface EventQuery {
  source?: string | undefined
  status?: EventStatus | undefined
  fromMs: number | null
  toMs: number | null
  after: IndexPosition | null
  limit: number
}

/** Most events one list call examines (see scanIndex on short pages). */
const SCAN_BUDGET = 5_000

export function listEvents(redis: Redis, keys: Partitions, query: EventQuery): Promise<ScanPage<EventHead>> {
  return scanIndex(redis, {
    key: keys.all.map((k) => k.events),
    fromMs: query.fromMs,
    toMs: query.toMs,
    after: query.after,
    limit: query.limit,
    budget: SCAN_BUDGET,
    load: (ids) => loadEventHeads(redis, keys, ids),
    keep: (e) => (query.source === undefined || e.source === query.source) && (query.status === undefined || hasStatus(e, query.status)),
  })
}

export function hasStatus(event: Pick<EventRecord, 'routes'>, status: EventStatus): boolean {
  const routes = Array.isArray(event.routes) ? event.routes : []
  const matched = routes.some((r) => r.status === 'matched')
  const failed = routes.some((r) => r.status === 'error')
  return status === 'matched' ? matched : status === 'error' ? failed : !matched && !failed
}

export async function loadEventHeads(redis: Redis, keys: Partitions, ids: readonly string[]): Promise<(EventHead | null)[]> {
  const replies = await pipelineByPartition(redis, keys, ids, (pipeline, k, id) => pipeline.hmget(k.event(id), ...HEAD_FIELDS))
  return replies.map(([err, values]) => (err ? null : (fromFields(HEAD_FIELDS, values as (string | null)[]) as EventHead | null)))
}

/** Events received since `sinceMs`: one ZCOUNT per partition. */
export async function countEventsSince(redis: Redis, keys: Partitions, sinceMs: number): Promise<number> {
  const counts = await Promise.all(keys.all.map((k) => redis.zcount(k.events, sinceMs, '+inf')))
  return counts.reduce((a, b) => a + b, 0)
}
