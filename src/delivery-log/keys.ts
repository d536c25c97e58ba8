/**
 * Redis key layout. Every key shares the `{prefix}` hash tag, so multi-key transactions and
 * scripts stay on one Cluster slot, next to BullMQ's own keys (which use the same prefix).
 */
export interface Keys {
  prefix: string
  dedup(source: string, deliveryKey: string): string
  event(id: string): string
  delivery(id: string): string
  attempts(deliveryId: string): string
  /** per cooldown key: the window gate (a string with a TTL) and the coalescing state (a hash) */
  cooldownGate(keyHash: string): string
  cooldownState(keyHash: string): string
  /**
   * per target (queue/flow-store.ts): the in-flight leases (a sorted set scored by lease expiry),
   * the deliveries waiting for a slot (scored by arrival, and by when each was last seen) and
   * the circuit breaker's state (a hash)
   */
  flowSlots(target: string): string
  flowWaiters(target: string): string
  flowWaitersSeen(target: string): string
  circuit(target: string): string
  /** stream of accepted events' jobs, moved into the queue by a worker's inbox pump */
  inbox: string
  /** sorted sets by time, for listing */
  events: string
  deliveries: string
}

export function createKeys(name: string): Keys {
  const prefix = `{${name}}`
  return {
    prefix,
    dedup: (source, deliveryKey) => `${prefix}:dedup:${source}:${deliveryKey}`,
    event: (id) => `${prefix}:event:${id}`,
    delivery: (id) => `${prefix}:delivery:${id}`,
    attempts: (id) => `${prefix}:delivery:${id}:attempts`,
    cooldownGate: (h) => `${prefix}:cooldown:${h}:gate`,
    cooldownState: (h) => `${prefix}:cooldown:${h}:state`,
    flowSlots: (t) => `${prefix}:flow:${t}:slots`,
    flowWaiters: (t) => `${prefix}:flow:${t}:waiters`,
    flowWaitersSeen: (t) => `${prefix}:flow:${t}:waiters-seen`,
    circuit: (t) => `${prefix}:flow:${t}:circuit`,
    inbox: `${prefix}:inbox`,
    events: `${prefix}:events`,
    deliveries: `${prefix}:deliveries`,
  }
}
