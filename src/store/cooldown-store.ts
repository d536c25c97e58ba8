import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { Keys } from './keys.ts'
import { asPartitions, type Partitions } from './partitions.ts'
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

/**
 * `keys`: the partition of the targets whose cooldown keys this store serves (the target's
 * partition); `records`: where delivery records are found (by default, the same keys).
 */
export function createCooldownStore(redis: Redis, keys: Keys, hooks: CooldownHooks = {}, records: Keys | Partitions = keys): CooldownStore {
  const scripts = registerScripts(redis)
  const partitions = asPartitions(records)
  const deliveryPrefix = keys.delivery('')
  const partition = partitions.all.indexOf(keys)
  const where = [partitions.count, Math.max(0, partition)] as const
  // the scripts return the folded delivery's `target` field (JSON-encoded, as the log stores it) or ''
  const folded = (targetJson: string | undefined, fold: Fold, mode: FoldMode): void => {
    const target = parseField(targetJson || null)
    if (typeof target === 'string') {
      if (mode === 'superseded') hooks.onSuperseded?.(target, fold)
      else hooks.onCoalesced?.(target, fold)
    }
  }
  /** Folds records of other partitions the scripts left pending (`id, "mode into"` pairs), then forgets them. */
  const applyPending = async (h: string, pending: string[] | undefined): Promise<void> => {
    if (!pending || pending.length === 0) return
    const done: string[] = []
    for (let i = 0; i + 1 < pending.length; i += 2) {
      const id = pending[i]!
      const [mode, into] = pending[i + 1]!.split(' ') as [FoldMode, string]
      folded(await scripts.cooldownFold([partitions.forId(id).delivery(id)], into, mode), { deliveryId: id, into }, mode)
      done.push(id)
    }
    await redis.hdel(keys.cooldownFolds(h), ...done)
  }
  return {
    async record(h, cooldownKey, deliveryId, mode = 'coalesced') {
      const [ttl, target, foldedId, into, pending] = await scripts.cooldownRecord(
        [keys.cooldownState(h), keys.cooldownGate(h), keys.cooldownFolds(h)],
        deliveryId,
        deliveryPrefix,
        cooldownKey,
        STATE_TTL_MS,
        mode,
        ...where
      )
      folded(target, { deliveryId: foldedId, into }, mode)
      await applyPending(h, pending)
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
      const taken = await scripts.cooldownTake([keys.cooldownState(h), keys.cooldownFolds(h)], deliveryPrefix, mode, ...where)
      if (taken) folded(taken[2], { deliveryId: taken[3], into: taken[0] }, mode)
      await applyPending(h, taken?.[4])
      return taken ? { deliveryId: taken[0], seq: Number(taken[1]) } : null
    },
    async markSent(h, seq) {
      await scripts.cooldownMarkSent([keys.cooldownState(h)], seq)
    },
  }
}
