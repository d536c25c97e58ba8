import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'
import { COALESCE_FUNCTIONS } from '../delivery-log/log-scripts.ts'
import { parseField } from '../delivery-log/record-codec.ts'
import type { QueueKeys } from './queue-keys.ts'

/**
 * Per-target cooldown with trailing-edge coalescing: a gate key per cooldown key (SET NX PX: at
 * most one send per window across every process), a state hash with the latest delivery and a
 * change counter (`seq`), and the highest `seq` sent. A wake-up job only says "look at this key";
 * whatever is latest when the window opens is what fires.
 */
export interface CooldownStore {
  /** Ingest: makes `deliveryId` the latest for the key and folds the one it supersedes. Returns the gate's remaining ms (<= 0: open). */
  record(keyHash: string, cooldownKey: string, deliveryId: string, fold?: FoldMode): Promise<number>
  claimGate(keyHash: string, owner: string, cooldownMs: number): Promise<boolean>
  gateTtl(keyHash: string): Promise<number>
  /** Extends the window (a target's 429/Retry-After), never shortens it. */
  extendGate(keyHash: string, owner: string, ms: number): Promise<void>
  releaseGate(keyHash: string, owner: string): Promise<void>
  /** Sets the window to exactly `ms` from now (<= 0: opens it), if `owner` still holds it. */
  settleGate(keyHash: string, owner: string, ms: number): Promise<void>
  /** Worker: the latest unsent delivery, or null when everything recorded was already sent. */
  take(keyHash: string, fold?: FoldMode): Promise<{ deliveryId: string; seq: number } | null>
  markSent(keyHash: string, seq: number): Promise<void>
}

/**
 * How a folded delivery is recorded: `coalesced` (into the one a cooldown window fires) or
 * `superseded` (by a newer one, on a target with `supersede: true`).
 */
export type FoldMode = 'coalesced' | 'superseded'

/** Coalescing state outlives any sane window; abandoned keys expire on their own. */
const STATE_TTL_MS = 30 * 24 * 3600_000

// Returns { gate ttl, JSON target of the delivery it folded or '', that delivery's id or '' }.
// Recording the latest again (an inbox batch retried after a crash) changes nothing: it must
// neither fold itself nor bump seq.
const RECORD = `${COALESCE_FUNCTIONS}
local prev = redis.call('HGET', KEYS[1], 'latest')
if prev == ARGV[1] then return {redis.call('PTTL', KEYS[2]), '', ''} end
redis.call('HINCRBY', KEYS[1], 'seq', 1)
local taken = redis.call('HGET', KEYS[1], 'taken')
redis.call('HSET', KEYS[1], 'latest', ARGV[1], 'key', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
local folded, folded_id = '', ''
if prev and prev ~= taken then
  folded = coalesce_delivery(ARGV[2] .. prev, ARGV[1], ARGV[5])
  folded_id = prev
end
return {redis.call('PTTL', KEYS[2]), folded, folded_id}
`

const TAKE = `${COALESCE_FUNCTIONS}
local latest = redis.call('HGET', KEYS[1], 'latest')
local seq = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
local sent = tonumber(redis.call('HGET', KEYS[1], 'sent') or '0')
if not latest or seq <= sent then return false end
local taken = redis.call('HGET', KEYS[1], 'taken')
local folded, folded_id = '', ''
if taken and taken ~= latest then
  if not delivery_settled(ARGV[1] .. taken) then
    folded = coalesce_delivery(ARGV[1] .. taken, latest, ARGV[2])
    folded_id = taken
  end
end
redis.call('HSET', KEYS[1], 'taken', latest)
return {latest, seq, folded, folded_id}
`

const MARK_SENT = `
local sent = tonumber(redis.call('HGET', KEYS[1], 'sent') or '0')
if tonumber(ARGV[1]) > sent then redis.call('HSET', KEYS[1], 'sent', ARGV[1]) end
return 1
`

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`

const SETTLE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[2]) > 0 then return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return redis.call('DEL', KEYS[1])
`

const EXTEND = `
local ttl = redis.call('PTTL', KEYS[1])
if ttl < tonumber(ARGV[2]) then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 1
`

/** Cooldown keys may hold anything (branch names); a hash keeps Redis keys and job ids tidy. */
export function hashCooldownKey(cooldownKey: string): string {
  return createHash('sha256').update(cooldownKey).digest('hex').slice(0, 20)
}

/** Which delivery was folded, and into which. */
export interface Fold {
  deliveryId: string
  into: string
}

export interface CooldownHooks {
  /** a queued delivery of `target` was folded into a newer one (for the coalesced metric) */
  onCoalesced?: (target: string, fold: Fold) => void
  /** a waiting delivery of `target` was superseded by a newer one */
  onSuperseded?: (target: string, fold: Fold) => void
}

export function createCooldownStore(redis: Redis, keys: QueueKeys, deliveryPrefix: string, hooks: CooldownHooks = {}): CooldownStore {
  // the scripts return the folded delivery's `target` field (JSON-encoded, as the log stores it) or ''
  const folded = (targetJson: string | undefined, fold: Fold, mode: FoldMode): void => {
    const target = parseField(targetJson || null)
    if (typeof target === 'string') {
      if (mode === 'superseded') hooks.onSuperseded?.(target, fold)
      else hooks.onCoalesced?.(target, fold)
    }
  }
  return {
    async record(h, cooldownKey, deliveryId, mode = 'coalesced') {
      const [ttl, target, foldedId] = (await redis.eval(
        RECORD,
        2,
        keys.cooldownState(h),
        keys.cooldownGate(h),
        deliveryId,
        deliveryPrefix,
        cooldownKey,
        STATE_TTL_MS,
        mode
      )) as [number, string, string]
      folded(target, { deliveryId: foldedId, into: deliveryId }, mode)
      return Number(ttl)
    },
    async claimGate(h, owner, cooldownMs) {
      return (await redis.set(keys.cooldownGate(h), owner, 'PX', Math.max(1, Math.round(cooldownMs)), 'NX')) === 'OK'
    },
    async gateTtl(h) {
      return redis.pttl(keys.cooldownGate(h))
    },
    async extendGate(h, owner, ms) {
      await redis.eval(EXTEND, 1, keys.cooldownGate(h), owner, Math.max(1, Math.round(ms)))
    },
    async releaseGate(h, owner) {
      await redis.eval(RELEASE, 1, keys.cooldownGate(h), owner)
    },
    async settleGate(h, owner, ms) {
      await redis.eval(SETTLE, 1, keys.cooldownGate(h), owner, Math.round(ms))
    },
    async take(h, mode = 'coalesced') {
      const taken = (await redis.eval(TAKE, 1, keys.cooldownState(h), deliveryPrefix, mode)) as [string, number, string, string] | null
      if (taken) folded(taken[2], { deliveryId: taken[3], into: taken[0] }, mode)
      return taken ? { deliveryId: taken[0], seq: Number(taken[1]) } : null
    },
    async markSent(h, seq) {
      await redis.eval(MARK_SENT, 1, keys.cooldownState(h), seq)
    },
  }
}
