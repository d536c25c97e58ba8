import type { Redis } from 'ioredis'
import { Packr } from 'msgpackr'
import { encodeBody } from './stored-body.ts'
import type { Keys } from './keys.ts'
import { asPartitions, partitionShare, type Partitions } from './partitions.ts'
import { fieldPairs } from './record-codec.ts'
import type { DeliveryRecord, NewEventRecord } from './records.ts'
import { registerScripts, type ScriptArg } from './scripts/register-scripts.ts'
import { createReplicaWait } from './replica-wait.ts'
import type { RedisWait } from '../config.ts'

export interface AcceptInput {
  event: NewEventRecord
  /** the inbound body's exact bytes, kept once in a field of their own */
  rawBody: Buffer
  deliveries: readonly DeliveryRecord[]
  /** JSON of the jobs the inbox pump will queue ('' when there is nothing to deliver) */
  jobs: string
  /** the sender's delivery id to claim; null = no dedup (re-runs) */
  dedupKey: string | null
  dedupWindowMs: number
  /** a schedule's event: its fire is recorded with it (fireTime null: a manual run) */
  scheduleFire?: { name: string; fireTime: Date | null } | undefined
}

export interface EventWriter {
  /** null when stored; the original event's id when the sender delivery id was seen before */
  accept(input: AcceptInput): Promise<string | null>
}

/** What the delivery log keeps: RETENTION, RETENTION_COUNT and DEDUP_MAX. */
export interface StorageLimits {
  retentionMs: number
  retentionCount: number
  /** the most sender delivery ids remembered; past it the oldest are forgotten before DEDUP_WINDOW ends */
  dedupMax: number
}
/**
 * Most events one script call stores. Measured with `npm run bench`: batches of 4 to 8 keep Redis
 * storing one batch while Node verifies and routes the next; one batch per event-loop turn (all
 * 32 connections at once) left each side waiting for the other, and ingest was a quarter slower.
 */
const MAX_BATCH = 8

type Arg = ScriptArg

interface Waiting {
  args: Arg[]
  resolve: (original: string | null) => void
  reject: (err: unknown) => void
}

/**
 * Group commit: the events accepted in the same event-loop turn go to Redis in one script call (a
 * new call every MAX_BATCH events), so a burst of concurrent webhooks costs one round trip (one
 * socket write, one reply) per batch instead of one per event. A request still resolves only after
 * Redis stored its event; if the call fails, every request of the batch gets the error (a 503).
 *
 * With several partitions, each has a batch of its own. With `wait` (REDIS_WAIT_REPLICAS), a batch
 * resolves only once that many replicas hold it too: one WAIT after the script, on the same
 * connection (WAIT cannot run inside a script); if too few replicas confirm in time the batch is
 * refused like a failed call, though the primary has it.
 */
export function createEventWriter(redis: Redis, keys: Keys | Partitions, limits: StorageLimits, wait: RedisWait | null = null): EventWriter {
  const partitions = asPartitions(keys)
  const { acceptEvents } = registerScripts(redis)
  const share = partitionShare(limits, partitions.count)
  const replicaWait = wait === null ? null : createReplicaWait(redis, wait)
  // chosen once: without a wait the batch's reply is used as it comes
  const stored: (scriptKeys: [string, string, string, string], args: Arg[]) => Promise<string[]> =
    replicaWait === null
      ? (scriptKeys, args) => acceptEvents(scriptKeys, ...args)
      : (scriptKeys, args) => acceptEvents(scriptKeys, ...args).then((replies) => replicaWait.confirm().then(() => replies))
  // one script call per partition: its keys share the partition's hash tag
  const batchers = partitions.all.map((k) => {
    const scriptKeys: [string, string, string, string] = [k.events, k.deliveries, k.inbox, k.dedupClaims]
    // ARGV before the events (scripts/accept-batch.ts)
    const head: Arg[] = [limits.retentionMs, share.retentionCount, k.event(''), k.delivery(''), share.dedupMax]
    return { keys: k, waiting: [] as Waiting[], scriptKeys, head }
  })
  let scheduled = false

  const flush = (batcher: (typeof batchers)[number]): void => {
    const batch = batcher.waiting
    batcher.waiting = []
    if (batch.length === 0) return
    const args: Arg[] = [...batcher.head]
    for (const w of batch) {
      for (const a of w.args) args.push(a)
    }
    stored(batcher.scriptKeys, args).then(
      (replies) => batch.forEach((w, i) => w.resolve(replies[i] || null)),
      (err: unknown) => batch.forEach((w) => w.reject(err))
    )
  }
  const schedule = (): void => {
    if (!scheduled) {
      scheduled = true
      // after the I/O callbacks of this turn: the requests read together commit together
      setImmediate(() => {
        scheduled = false
        batchers.forEach(flush)
      })
    }
  }

  return {
    accept(input) {
      // the event id names its partition (partitions.ts)
      const batcher = batchers[partitions.ofId(input.event.id)]!
      return new Promise((resolve, reject) => {
        batcher.waiting.push({ args: eventArgs(input, batcher.keys), resolve, reject })
        if (batcher.waiting.length >= MAX_BATCH) flush(batcher)
        else schedule()
      })
    },
  }
}

/**
 * One event as two script arguments: a MessagePack array of its strings (one argument instead of
 * dozens, which costs ioredis and Redis less per event) and the body's bytes, as stored-body.ts
 * keeps them (the array names their field).
 */
function eventArgs({ event, rawBody, deliveries, jobs, dedupKey, dedupWindowMs, scheduleFire }: AcceptInput, keys: Keys): Arg[] {
  const dedup = dedupKey === null ? '' : keys.dedup(event.source, dedupKey)
  const body = encodeBody(rawBody)
  const packed = packr.pack([
    event.id,
    dedup,
    String(dedupWindowMs),
    String(Date.parse(event.received_at)),
    fieldPairs(event),
    deliveries.map((d) => [d.id, fieldPairs(d)]),
    jobs,
    body.field,
    scheduleFire ? keys.schedule(scheduleFire.name) : '',
    scheduleFire?.fireTime?.toISOString() ?? '',
  ])
  return [packed, body.bytes]
}

/** Plain MessagePack (no msgpackr records): Redis's Lua cmsgpack reads it. */
const packr = new Packr({ useRecords: false })
