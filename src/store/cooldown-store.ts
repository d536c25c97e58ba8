import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { Keys } from './keys.ts'
import { parseField } from './record-codec.ts'
import { registerScripts } from './scripts/register-scripts.ts'

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

export function createCooldownStore(redis: Redis, keys: Keys, hooks: CooldownHooks = {}): CooldownStore {
  const scripts = registerScripts(redis)
  const deliveryPrefix = keys.delivery('')
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
      const [ttl, target, foldedId] = await scripts.cooldownRecord(
        [keys.cooldownState(h), keys.cooldownGate(h)],
        deliveryId,
        deliveryPrefix,
        cooldownKey,
        STATE_TTL_MS,
        mode
      )
      folded(target, { deliveryId: foldedId, into: deliveryId }, mode)
      return Number(ttl)
    },
    async claimGate(h, owner, cooldownMs) {
      return (await redis.set(keys.cooldownGate(h), owner, 'PX', Math.max(1, Math.round(cooldownMs)), 'NX')) === 'OK'
    },
    async gateTtl(h) {
      return redis.pttl(keys.cooldownGate(h))
    },
    async releaseGate(h, owner) {
      await scripts.cooldownRelease([keys.cooldownGate(h)], owner)
    },
    async settleGate(h, owner, ms) {
      await scripts.cooldownSettle([keys.cooldownGate(h)], owner, Math.round(ms))
    },
    async take(h, mode = 'coalesced') {
      const taken = await scripts.cooldownTake([keys.cooldownState(h)], deliveryPrefix, mode)
      if (taken) folded(taken[2], { deliveryId: taken[3], into: taken[0] }, mode)
      return taken ? { deliveryId: taken[0], seq: Number(taken[1]) } : null
    },
    async markSent(h, seq) {
      await scripts.cooldownMarkSent([keys.cooldownState(h)], seq)
    },
  }
}
