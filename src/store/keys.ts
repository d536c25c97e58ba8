/**
 * Every Redis key hookyard writes, named here and nowhere else. Every key of one partition
 * (partitions.ts) shares its `{prefix}` hash tag, so multi-key transactions and scripts stay on
 * one Cluster slot, next to that partition's BullMQ queue (which uses the same prefix). With one
 * partition the tag is `{HOOKYARD_PREFIX}`, with N it is `{HOOKYARD_PREFIX:<i>.<k>}`. The strings
 * are a storage format: a Redis written by an earlier version is read by its key names, so they
 * never change.
 */
export interface Keys {
  /** `{name}`: BullMQ's key prefix too */
  prefix: string
  /** the sender's delivery id, claimed SET NX PX for the dedup window */
  dedup(source: string, deliveryKey: string): string
  /** list of `<event id> <dedup key>` in claim order, to cap how many dedup keys are kept */
  dedupClaims: string
  event(id: string): string
  delivery(id: string): string
  attempts(deliveryId: string): string
  /** sorted sets by time, for listing */
  events: string
  deliveries: string
  /** stream of accepted events' jobs, moved into the queue by a worker's inbox pump */
  inbox: string
  /** per cooldown key: the window gate (a string with a TTL) and the coalescing state (a hash) */
  cooldownGate(keyHash: string): string
  cooldownState(keyHash: string): string
  /** folds of delivery records in another partition, until applied (scripts/cooldown-scripts.ts) */
  cooldownFolds(keyHash: string): string
  /**
   * per target (flow-store.ts): the in-flight leases (a sorted set scored by lease expiry), the
   * deliveries waiting for a slot (scored by arrival, and by when each was last seen) and the
   * circuit breaker's state (a hash)
   */
  flowSlots(target: string): string
  flowWaiters(target: string): string
  flowWaitersSeen(target: string): string
  circuit(target: string): string
  /** per schedule source: its last fire and last event (a hash) */
  schedule(name: string): string
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
    inbox: `${prefix}:inbox`,
    cooldownGate: (h) => `${prefix}:cooldown:${h}:gate`,
    cooldownState: (h) => `${prefix}:cooldown:${h}:state`,
    cooldownFolds: (h) => `${prefix}:cooldown:${h}:folds`,
    flowSlots: (t) => `${prefix}:flow:${t}:slots`,
    flowWaiters: (t) => `${prefix}:flow:${t}:waiters`,
    flowWaitersSeen: (t) => `${prefix}:flow:${t}:waiters-seen`,
    circuit: (t) => `${prefix}:flow:${t}:circuit`,
    schedule: (name) => `${prefix}:schedule:${name}`,
  }
}
