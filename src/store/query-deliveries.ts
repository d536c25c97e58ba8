import type { Redis } from 'ioredis'
import type { Partitions } from './partitions.ts'
import { pipelineByPartition } from './pipeline-by-partition.ts'
import { deserialize, fromFields, parseField } from './record-codec.ts'
import type { DeliveryRecord, DeliveryStatus } from './records.ts'
import { scanIndex, type IndexPosition, type ScanPage } from './scan-index.ts'

/** The fields delivery filters look at; the full record (with its request) is loaded only for a page's items. */
export type DeliveryHead = Pick<DeliveryRecord, 'id' | 'event' | 'route' | 'target' | 'status' | 'replays' | 'attempts_made'> & {
  source: string | null
}

const HEAD_FIELDS = ['id', 'event', 'route', 'target', 'status', 'replays', 'attempts_made', 'source'] as const

export interface DeliveryQuery {
  source?: string | undefined
  route?: string | undefined
  target?: string | undefined
  status?: DeliveryStatus | undefined
  /** false: only deliveries never replayed (retry-failed replays the newest of each chain) */
  replayed?: boolean | undefined
  /** true: only deliveries that were sent at least once (a failed mapping has nothing to resend) */
  attempted?: boolean | undefined
  fromMs: number | null
  toMs: number | null
  after: IndexPosition | null
  limit: number
  /** most deliveries examined in one call (see scanIndex on short pages) */
  budget?: number
}

const SCAN_BUDGET = 5_000

export function listDeliveries(redis: Redis, keys: Partitions, q: DeliveryQuery): Promise<ScanPage<DeliveryHead>> {
  return scanIndex(redis, {
    key: keys.all.map((k) => k.deliveries),
    fromMs: q.fromMs,
    toMs: q.toMs,
    after: q.after,
    limit: q.limit,
    budget: q.budget ?? SCAN_BUDGET,
    load: (ids) => loadDeliveryHeads(redis, keys, ids),
    keep: (d) =>
      (q.source === undefined || d.source === q.source) &&
      (q.route === undefined || d.route === q.route) &&
      (q.target === undefined || d.target === q.target) &&
      (q.status === undefined || d.status === q.status) &&
      (q.replayed === undefined || (d.replays ?? 0) > 0 === q.replayed) &&
      (q.attempted === undefined || (d.attempts_made ?? 0) > 0 === q.attempted),
  })
}

async function loadDeliveryHeads(redis: Redis, keys: Partitions, ids: readonly string[]): Promise<(DeliveryHead | null)[]> {
  const replies = await pipelineByPartition(redis, keys, ids, (pipeline, k, id) => pipeline.hmget(k.delivery(id), ...HEAD_FIELDS))
  const heads = replies.map(([err, values]) => (err ? null : (fromFields(HEAD_FIELDS, values as (string | null)[]) as DeliveryHead | null)))
  const sources = await eventSources(redis, keys, heads.filter((h) => h !== null && !h.source).map((h) => (h as DeliveryHead).event))
  return heads.map((h) => h && { ...h, source: h.source ?? sources.get(h.event) ?? null })
}

/** Source names of events, for delivery records written before deliveries carried their own. */
export async function eventSources(redis: Redis, keys: Partitions, eventIds: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(eventIds)]
  const out = new Map<string, string>()
  if (unique.length === 0) {
    return out
  }
  const replies = await pipelineByPartition(redis, keys, unique, (pipeline, k, id) => pipeline.hget(k.event(id), 'source'))
  unique.forEach((id, i) => {
    const value = parseField(replies[i]?.[1] as string | null)
    if (typeof value === 'string') {
      out.set(id, value)
    }
  })
  return out
}

/** Full records (with the stored request), in the order asked; null for a delivery that is gone. */
export async function loadDeliveries(redis: Redis, keys: Partitions, ids: readonly string[]): Promise<(DeliveryRecord | null)[]> {
  if (ids.length === 0) {
    return []
  }
  const replies = await pipelineByPartition(redis, keys, ids, (pipeline, k, id) => pipeline.hgetall(k.delivery(id)))
  return replies.map(([err, raw]) => {
    const fields = raw as Record<string, string> | null
    return err || !fields || Object.keys(fields).length === 0 ? null : (deserialize(fields) as unknown as DeliveryRecord)
  })
}

/** Status of each delivery id (missing ones left out): one pipelined HGET per id. */
export async function deliveryStatuses(redis: Redis, keys: Partitions, ids: readonly string[]): Promise<Map<string, DeliveryStatus>> {
  const out = new Map<string, DeliveryStatus>()
  for (let start = 0; start < ids.length; start += 1000) {
    const chunk = ids.slice(start, start + 1000)
    const replies = await pipelineByPartition(redis, keys, chunk, (pipeline, k, id) => pipeline.hget(k.delivery(id), 'status'))
    chunk.forEach((id, i) => {
      const status = parseField(replies[i]?.[1] as string | null)
      if (typeof status === 'string') {
        out.set(id, status as DeliveryStatus)
      }
    })
  }
  return out
}

/** Ids in the deliveries indexes since `sinceMs`, newest first, at most `cap` (the summary's bounded count). */
export async function recentDeliveryIds(redis: Redis, keys: Partitions, sinceMs: number, cap: number): Promise<string[]> {
  if (keys.count === 1) return redis.zrevrangebyscore(keys.all[0]!.deliveries, '+inf', sinceMs, 'LIMIT', 0, cap)
  const page = await scanIndex(redis, { key: keys.all.map((k) => k.deliveries), fromMs: sinceMs, toMs: null, after: null, limit: cap, budget: cap, load: (ids) => Promise.resolve(ids), keep: () => true })
  return page.items
}
