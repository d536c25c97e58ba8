import type { Redis } from 'ioredis'
import type { QueueKeys } from './queue-keys.ts'
import type { CircuitPolicy } from '../rules/types.ts'

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

// KEYS: circuit, slots, waiters, waiters-seen. ARGV: member, limit, now, lease, stale.
// Returns { go (1/0), wait ms, reason }.
const ADMIT = `
local now = tonumber(ARGV[3])
local lease = tonumber(ARGV[4])
local probe = 0
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'open' then
  if redis.call('HGET', KEYS[1], 'manual') == '1' then return {0, lease, 'paused'} end
  local untilMs = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
  if now < untilMs then return {0, untilMs - now, 'paused'} end
  redis.call('HSET', KEYS[1], 'state', 'probing', 'probe', ARGV[1], 'probe_until', now + lease)
  probe = 1
elseif state == 'probing' then
  local probeUntil = tonumber(redis.call('HGET', KEYS[1], 'probe_until') or '0')
  if redis.call('HGET', KEYS[1], 'probe') ~= ARGV[1] and now < probeUntil then
    return {0, math.min(probeUntil - now, 1000), 'probing'}
  end
  redis.call('HSET', KEYS[1], 'probe', ARGV[1], 'probe_until', now + lease)
  probe = 1
end
local limit = tonumber(ARGV[2])
if limit > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  local stale = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now - tonumber(ARGV[5]))
  for _, m in ipairs(stale) do
    redis.call('ZREM', KEYS[3], m)
    redis.call('ZREM', KEYS[4], m)
  end
  if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then
    local free = limit - redis.call('ZCARD', KEYS[2])
    local ahead = redis.call('ZRANK', KEYS[3], ARGV[1]) or redis.call('ZCARD', KEYS[3])
    if free <= 0 or ahead >= free then
      redis.call('ZADD', KEYS[3], 'NX', now, ARGV[1])
      redis.call('ZADD', KEYS[4], now, ARGV[1])
      redis.call('PEXPIRE', KEYS[3], ARGV[5])
      redis.call('PEXPIRE', KEYS[4], ARGV[5])
      return {0, lease, 'concurrency'}
    end
    redis.call('ZREM', KEYS[3], ARGV[1])
    redis.call('ZREM', KEYS[4], ARGV[1])
  end
  redis.call('ZADD', KEYS[2], now + lease, ARGV[1])
  redis.call('PEXPIRE', KEYS[2], lease)
end
return {1, 0, probe == 1 and 'probe' or ''}
`

// Frees member's slot; returns the waiters that now fit. KEYS: slots, waiters. ARGV: member, limit.
const FREE_SLOT = `
redis.call('ZREM', KEYS[1], ARGV[1])
local free = tonumber(ARGV[2]) - redis.call('ZCARD', KEYS[1])
if free <= 0 then return {} end
return redis.call('ZRANGE', KEYS[2], 0, free - 1)
`

// KEYS: circuit. ARGV: member, ok (1/0), now, failures threshold (0: no breaker), pause, retry-after, max pause, ttl.
// Returns { transition, pause ms }.
const COUNT_OUTCOME = `
local state = redis.call('HGET', KEYS[1], 'state')
local isProbe = state == 'probing' and redis.call('HGET', KEYS[1], 'probe') == ARGV[1]
if ARGV[2] == '1' then
  if isProbe then
    redis.call('DEL', KEYS[1])
    return {'resumed', 0}
  end
  -- a success ends the row of failures; a pause already in place stays until its probe or a resume
  if state then redis.call('HDEL', KEYS[1], 'failures') else redis.call('DEL', KEYS[1]) end
  return {'', 0}
end
local threshold = tonumber(ARGV[4])
local now = tonumber(ARGV[3])
local retryAfter = tonumber(ARGV[6])
if not state and threshold <= 0 then return {'', 0} end
-- every failed attempt is counted, also one that ends while the target is paused (a failed probe,
-- an attempt already in flight when the breaker opened): the count is the failures in a row
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
-- a pause by hand lasts until resumed: its key keeps no expiry
if redis.call('HGET', KEYS[1], 'manual') ~= '1' then redis.call('PEXPIRE', KEYS[1], ARGV[8]) end
if isProbe then
  local pause = math.min(tonumber(redis.call('HGET', KEYS[1], 'pause') or ARGV[5]) * 2, tonumber(ARGV[7]))
  pause = math.max(pause, retryAfter)
  redis.call('HSET', KEYS[1], 'state', 'open', 'until', now + pause, 'pause', pause)
  redis.call('HDEL', KEYS[1], 'probe', 'probe_until')
  return {'probe_failed', pause}
end
if state or failures < threshold then return {'', 0} end
local pause = math.max(tonumber(ARGV[5]), retryAfter)
redis.call('HSET', KEYS[1], 'state', 'open', 'until', now + pause, 'pause', pause)
return {'paused', pause}
`

// A probe that sent nothing hands the probe to the next delivery. KEYS: circuit. ARGV: member, now.
const DROP_PROBE = `
if redis.call('HGET', KEYS[1], 'state') == 'probing' and redis.call('HGET', KEYS[1], 'probe') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'state', 'open', 'until', ARGV[2])
  redis.call('HDEL', KEYS[1], 'probe', 'probe_until')
end
return 1
`

const PAUSE = `
if redis.call('HGET', KEYS[1], 'manual') == '1' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'open', 'manual', '1')
redis.call('HDEL', KEYS[1], 'probe', 'probe_until', 'until')
redis.call('PERSIST', KEYS[1])
return 1
`

const RESUME = `
local state = redis.call('HGET', KEYS[1], 'state')
redis.call('DEL', KEYS[1])
if state then return 1 end
return 0
`

type ScriptCall = (numKeys: number, ...args: (string | number)[]) => Promise<unknown>

export function createFlowStore(redis: Redis, keys: QueueKeys): FlowStore {
  // EVALSHA: admit runs before every attempt, so the script text is not sent each time
  const scripts = { ADMIT, FREE_SLOT, COUNT_OUTCOME, DROP_PROBE, PAUSE, RESUME }
  for (const [name, lua] of Object.entries(scripts)) {
    redis.defineCommand(`hookyardFlow${name}`, { lua })
  }
  const call = (name: keyof typeof scripts): ScriptCall => {
    const command = (redis as unknown as Record<string, ScriptCall>)[`hookyardFlow${name}`]!
    return command.bind(redis)
  }
  const admit = call('ADMIT')
  const freeSlotScript = call('FREE_SLOT')
  const countOutcome = call('COUNT_OUTCOME')
  const dropProbe = call('DROP_PROBE')
  const pause = call('PAUSE')
  const resume = call('RESUME')
  const freeSlot = async (target: string, member: string, limit: number): Promise<string[]> =>
    limit > 0 ? ((await freeSlotScript(2, keys.flowSlots(target), keys.flowWaiters(target), member, limit)) as string[]) : []
  return {
    async admit(target, member, limit, leaseMs) {
      const [go, waitMs, reason] = (await admit(
        4,
        keys.circuit(target),
        keys.flowSlots(target),
        keys.flowWaiters(target),
        keys.flowWaitersSeen(target),
        member,
        limit,
        Date.now(),
        leaseMs,
        leaseMs * STALE_LEASES
      )) as [number, number, string]
      if (Number(go) === 1) {
        return { go: true, probe: reason === 'probe' }
      }
      return { go: false, waitMs: Math.max(10, Number(waitMs)), reason: reason as 'paused' | 'probing' | 'concurrency' }
    },
    async finish(target, member, limit, circuit, outcome) {
      const wake = await freeSlot(target, member, limit)
      const [transition, pauseMs] = (await countOutcome(
        1,
        keys.circuit(target),
        member,
        outcome.ok ? 1 : 0,
        Date.now(),
        circuit?.failures ?? 0,
        circuit?.pauseMs ?? 0,
        Math.max(0, Math.round(outcome.retryAfterMs)),
        MAX_PAUSE_MS,
        CIRCUIT_TTL_MS
      )) as [string, number]
      return { wake, transition: transition === '' ? null : (transition as FlowAfter['transition']), pauseMs: Number(pauseMs) }
    },
    async release(target, member, limit) {
      await dropProbe(1, keys.circuit(target), member, Date.now())
      return freeSlot(target, member, limit)
    },
    async pause(target) {
      return Number(await pause(1, keys.circuit(target))) === 1
    },
    async resume(target) {
      return Number(await resume(1, keys.circuit(target))) === 1
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
