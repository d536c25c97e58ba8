import type { Redis } from 'ioredis'
import type { CircuitPolicy } from '../rules/types.ts'
import type { Keys } from './keys.ts'
import { asPartitions, type Partitions } from './partitions.ts'
import { registerScripts } from './scripts/register-scripts.ts'

/**
 * Per-target flow control in Redis, shared by every worker process: a concurrency semaphore and a
 * circuit breaker. A slot is a lease (sorted set member scored by its expiry) as long as the job
 * lock, so a worker that dies holding one frees it within a lock period. Deliveries refused a slot
 * queue up by arrival (first refusal) and are woken in that order when a slot frees; one that stops
 * asking (its job is gone) drops out after a few lease periods.
 */
export interface FlowStore {
  /** May `member` (a job id) send to `target` now? `limit` 0: no cap. */
  admit(target: string, member: string, limit: number, leaseMs: number): Promise<Admission>
  /** After an attempt: frees the slot, counts the outcome for the breaker; `wake` are waiters to promote. */
  finish(target: string, member: string, limit: number, circuit: CircuitPolicy | null, outcome: AttemptSummary): Promise<FlowAfter>
  /** Gives back an admission that sent nothing (a probe lets the next delivery probe at once). */
  release(target: string, member: string, limit: number): Promise<string[]>
  /** By hand: pauses until resumed. False when it was already paused by hand. */
  pause(target: string): Promise<boolean>
  /** By hand: closes the breaker and forgets failures. False when it was not paused. */
  resume(target: string): Promise<boolean>
  state(target: string): Promise<TargetFlowState>
}

export type Admission = { go: true; probe: boolean } | { go: false; waitMs: number; reason: 'paused' | 'probing' | 'concurrency' }

export interface AttemptSummary {
  ok: boolean
  /** the target's Retry-After, when it sent one */
  retryAfterMs: number
}

export interface FlowAfter {
  wake: string[]
  /** `paused`: the breaker opened; `probe_failed`: it reopened for longer; `resumed`: a probe succeeded */
  transition: 'paused' | 'probe_failed' | 'resumed' | null
  pauseMs: number
}

export interface TargetFlowState {
  paused: boolean
  /** paused by hand (until resumed by hand) */
  manual: boolean
  /** when the pause ends and a probe may go (ms since epoch); null while not paused or paused by hand */
  until: number | null
  /** a probe delivery is being sent */
  probing: boolean
  /** failed attempts in a row */
  failures: number
  inflight: number
}

/** Doubling of the pause on each failed probe stops here (a longer Retry-After still wins). */
export const MAX_PAUSE_MS = 3600_000
/** A breaker's counters outlive any pause; abandoned ones expire on their own. */
const CIRCUIT_TTL_MS = 7 * 24 * 3600_000
/** A waiter not seen for this many lease periods has gone (its job was removed or failed). */
const STALE_LEASES = 3

export function createFlowStore(redis: Redis, partitioned: Keys | Partitions): FlowStore {
  // a target's slots, waiters and circuit live in the target's partition, beside its queue
  const partitions = asPartitions(partitioned)
  const keys = {
    flowSlots: (t: string) => partitions.forName(t).flowSlots(t),
    flowWaiters: (t: string) => partitions.forName(t).flowWaiters(t),
    flowWaitersSeen: (t: string) => partitions.forName(t).flowWaitersSeen(t),
    circuit: (t: string) => partitions.forName(t).circuit(t),
  }
  // EVALSHA: admit runs before every attempt, so the script text is not sent each time
  const scripts = registerScripts(redis)
  const freeSlot = async (target: string, member: string, limit: number): Promise<string[]> =>
    limit > 0 ? scripts.flowFreeSlot([keys.flowSlots(target), keys.flowWaiters(target)], member, limit) : []
  return {
    async admit(target, member, limit, leaseMs) {
      const [go, waitMs, reason] = await scripts.flowAdmit(
        [keys.circuit(target), keys.flowSlots(target), keys.flowWaiters(target), keys.flowWaitersSeen(target)],
        member,
        limit,
        Date.now(),
        leaseMs,
        leaseMs * STALE_LEASES
      )
      if (Number(go) === 1) {
        return { go: true, probe: reason === 'probe' }
      }
      return { go: false, waitMs: Math.max(10, Number(waitMs)), reason: reason as 'paused' | 'probing' | 'concurrency' }
    },
    async finish(target, member, limit, circuit, outcome) {
      const wake = await freeSlot(target, member, limit)
      const [transition, pauseMs] = await scripts.flowCountOutcome(
        [keys.circuit(target)],
        member,
        outcome.ok ? 1 : 0,
        Date.now(),
        circuit?.failures ?? 0,
        circuit?.pauseMs ?? 0,
        Math.max(0, Math.round(outcome.retryAfterMs)),
        MAX_PAUSE_MS,
        CIRCUIT_TTL_MS
      )
      return { wake, transition: transition === '' ? null : (transition as FlowAfter['transition']), pauseMs: Number(pauseMs) }
    },
    async release(target, member, limit) {
      await scripts.flowDropProbe([keys.circuit(target)], member, Date.now())
      return freeSlot(target, member, limit)
    },
    async pause(target) {
      return Number(await scripts.flowPause([keys.circuit(target)])) === 1
    },
    async resume(target) {
      return Number(await scripts.flowResume([keys.circuit(target)])) === 1
    },
    async state(target) {
      const [[, circuit], [, inflight]] = (await redis
        .multi()
        .hgetall(keys.circuit(target))
        .zcount(keys.flowSlots(target), Date.now(), '+inf')
        .exec()) as [[Error | null, Record<string, string>], [Error | null, number]]
      const manual = circuit['manual'] === '1'
      const paused = circuit['state'] === 'open' || circuit['state'] === 'probing'
      return {
        paused,
        manual,
        until: paused && !manual && circuit['until'] ? Number(circuit['until']) : null,
        probing: circuit['state'] === 'probing',
        failures: Number(circuit['failures'] ?? 0),
        inflight: Number(inflight),
      }
    },
  }
}
