/**
 * The delivery log's Redis keys. Every key shares the `{prefix}` hash tag, so multi-key
 * transactions and scripts stay on one Cluster slot, next to the queue's keys (queue-keys.ts) and
 * BullMQ's own (which use the same prefix).
 */
export interface Keys {
  prefix: string
  dedup(source: string, deliveryKey: string): string
  /** list of `<event id> <dedup key>` in claim order, to cap how many dedup keys are kept */
  dedupClaims: string
  event(id: string): string
  delivery(id: string): string
  attempts(deliveryId: string): string
  /** sorted sets by time, for listing */
  events: string
  deliveries: string
}

export function createKeys(name: string): Keys {
  const prefix = `{${name}}`
  return {
    prefix,
    dedup: (source, deliveryKey) => `${prefix}:dedup:${source}:${deliveryKey}`,
    dedupClaims: `${prefix}:dedup-claims`,
    event: (id) => `${prefix}:event:${id}`,
    delivery: (id) => `${prefix}:delivery:${id}`,
    attempts: (id) => `${prefix}:delivery:${id}:attempts`,
    events: `${prefix}:events`,
    deliveries: `${prefix}:deliveries`,
  }
}
