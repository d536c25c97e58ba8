import type { Redis } from 'ioredis'
import type { Keys } from './keys.ts'
import { asPartitions, type Partitions } from './partitions.ts'
import {
  deliveryStatuses,
  eventSources,
  listDeliveries,
  loadDeliveries,
  recentDeliveryIds,
  type DeliveryHead,
  type DeliveryQuery,
} from './query-deliveries.ts'
import { countEventsSince, listEvents, loadEventHeads, type EventHead, type EventQuery } from './query-events.ts'
import type { DeliveryRecord, DeliveryStatus } from './records.ts'
import type { ScanPage } from './scan-index.ts'

/** The read side of the delivery log, for the admin API: lists, filters and counts. */
export interface LogReader {
  listEvents(query: EventQuery): Promise<ScanPage<EventHead>>
  listDeliveries(query: DeliveryQuery): Promise<ScanPage<DeliveryHead>>
  loadEventHeads(ids: readonly string[]): Promise<(EventHead | null)[]>
  loadDeliveries(ids: readonly string[]): Promise<(DeliveryRecord | null)[]>
  deliveryStatuses(ids: readonly string[]): Promise<Map<string, DeliveryStatus>>
  eventSources(eventIds: readonly string[]): Promise<Map<string, string>>
  countEventsSince(sinceMs: number): Promise<number>
  /** statuses of the deliveries created since `sinceMs`; looks at no more than `cap` of them */
  countDeliveriesSince(sinceMs: number, cap: number): Promise<{ counts: Record<DeliveryStatus, number>; truncated: boolean }>
}

export function createLogReader(redis: Redis, partitioned: Keys | Partitions): LogReader {
  const keys = asPartitions(partitioned)
  return {
    listEvents: (query) => listEvents(redis, keys, query),
    listDeliveries: (query) => listDeliveries(redis, keys, query),
    loadEventHeads: (ids) => loadEventHeads(redis, keys, ids),
    loadDeliveries: (ids) => loadDeliveries(redis, keys, ids),
    deliveryStatuses: (ids) => deliveryStatuses(redis, keys, ids),
    eventSources: (ids) => eventSources(redis, keys, ids),
    countEventsSince: (sinceMs) => countEventsSince(redis, keys, sinceMs),
    async countDeliveriesSince(sinceMs, cap) {
      const ids = await recentDeliveryIds(redis, keys, sinceMs, cap)
      const counts: Record<DeliveryStatus, number> = { queued: 0, retrying: 0, delivered: 0, failed: 0, coalesced: 0, superseded: 0 }
      for (const status of (await deliveryStatuses(redis, keys, ids)).values()) {
        if (status in counts) {
          counts[status]++
        }
      }
      return { counts, truncated: ids.length >= cap }
    },
  }
}
