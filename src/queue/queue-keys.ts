/**
 * The queue side's Redis keys. They share the delivery log's `{prefix}` hash tag (and BullMQ's own
 * keys use the same prefix), so scripts touching both stay on one Cluster slot.
 */
export interface QueueKeys {
  prefix: string
  /** stream of accepted events' jobs, moved into the queue by a worker's inbox pump */
  inbox: string
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
}

export function createQueueKeys(name: string): QueueKeys {
  const prefix = `{${name}}`
  return {
    prefix,
    inbox: `${prefix}:inbox`,
    cooldownGate: (h) => `${prefix}:cooldown:${h}:gate`,
    cooldownState: (h) => `${prefix}:cooldown:${h}:state`,
    flowSlots: (t) => `${prefix}:flow:${t}:slots`,
    flowWaiters: (t) => `${prefix}:flow:${t}:waiters`,
    flowWaitersSeen: (t) => `${prefix}:flow:${t}:waiters-seen`,
    circuit: (t) => `${prefix}:flow:${t}:circuit`,
  }
}

/**
 * How an inbox entry is written, as a Lua function the ingest script includes: the event and the
 * jobs that deliver it are stored in one atomic step, but only this module writes the stream.
 * `pairs`: event id, jobs JSON, ... (one pair per stored event with something to deliver).
 */
export const INBOX_APPEND_FUNCTION = `
local function append_inbox(inbox, pairs)
  if #pairs > 0 then redis.call('XADD', inbox, '*', unpack(pairs)) end
end
`
