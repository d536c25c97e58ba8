import type { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Logger } from '../logger.ts'
import type { CooldownStore } from './cooldown-store.ts'
import { COOLDOWN_JOB, DELIVER_JOB, cooldownDedupId, deliveryJobOptions, type QueueJobData } from './delivery-job.ts'
import type { InboxJob } from './inbox-job.ts'
import type { QueueKeys } from './queue-keys.ts'

export interface InboxPumpOptions {
  /** a dedicated connection: XREADGROUP BLOCK holds it */
  redis: Redis
  queue: Queue<QueueJobData>
  cooldowns: CooldownStore
  keys: QueueKeys
  logger: Logger
  consumer: string
  retentionMs: number
}

export interface InboxPump {
  /** finishes the batch in hand, then stops */
  stop(): Promise<void>
}

const GROUP = 'pump'
const BATCH = 500
const BLOCK_MS = 1000
/** An entry another pump read but did not acknowledge for this long is taken over (that pump died). */
const CLAIM_IDLE_MS = 30_000

type StreamEntries = [id: string, fields: string[]][]
type CooldownInboxJob = Extract<InboxJob, { kind: 'cooldown' }>

/**
 * Moves accepted events' jobs from the inbox stream into BullMQ in batches, off the request path.
 * A consumer group lets any number of workers pump; an entry is acknowledged only after its jobs are
 * queued, and job ids are the delivery ids, so a batch retried after a crash queues nothing twice.
 */
export function startInboxPump(options: InboxPumpOptions): InboxPump {
  const { redis, keys, logger } = options
  let running = true

  const queueJobs = async (entries: StreamEntries): Promise<void> => {
    // an entry holds field/value pairs (event id -> that event's jobs JSON), one pair per event of a batch
    const jobs = entries.flatMap(([, fields]) => fields.flatMap((value, i) => (i % 2 === 1 ? (JSON.parse(value) as InboxJob[]) : [])))
    const opts = (attempts: number) => deliveryJobOptions(attempts, options.retentionMs)
    const direct = jobs.flatMap((j) => (j.kind === 'deliver' ? [j] : []))
    if (direct.length > 0) {
      await options.queue.addBulk(direct.map((j) => ({ name: DELIVER_JOB, data: j.data, opts: { jobId: j.data.id, ...opts(j.attempts) } })))
    }
    // Every delivery of the batch is recorded before any wake-up job is added: a worker already
    // waiting takes a key the moment its job appears, and must then find the newest of the batch
    // (a backlog that piled up while no worker ran arrived before any window opened). Adding each
    // job right after its record let a worker send an older one and the newest a window later.
    // The state is still written before its wake-up job, never after (lost wake-up).
    const wakeUps = new Map<string, { job: CooldownInboxJob; gateTtlMs: number }>()
    for (const j of jobs) {
      if (j.kind !== 'cooldown') continue
      const gateTtlMs = await options.cooldowns.record(j.data.keyHash, j.data.cooldownKey, j.deliveryId, j.data.supersede ? 'superseded' : 'coalesced')
      wakeUps.set(j.data.keyHash, { job: j, gateTtlMs })
    }
    for (const { job, gateTtlMs } of wakeUps.values()) {
      await options.queue.add(COOLDOWN_JOB, job.data, {
        deduplication: { id: cooldownDedupId(job.data.keyHash) },
        delay: Math.max(0, gateTtlMs),
        ...opts(job.attempts),
      })
    }
    const ids = entries.map(([id]) => id)
    await redis.xack(keys.inbox, GROUP, ...ids)
    await redis.xdel(keys.inbox, ...ids)
  }

  const read = async (from: '0' | '>'): Promise<StreamEntries> => {
    const res = (
      from === '>'
        ? await redis.xreadgroup('GROUP', GROUP, options.consumer, 'COUNT', BATCH, 'BLOCK', BLOCK_MS, 'STREAMS', keys.inbox, from)
        : await redis.xreadgroup('GROUP', GROUP, options.consumer, 'COUNT', BATCH, 'STREAMS', keys.inbox, from)
    ) as [string, StreamEntries][] | null
    return res?.[0]?.[1] ?? []
  }

  const loop = async (): Promise<void> => {
    await redis.xgroup('CREATE', keys.inbox, GROUP, '0', 'MKSTREAM').catch((err: Error) => {
      if (!err.message.includes('BUSYGROUP')) throw err
    })
    let lastClaim = 0
    while (running) {
      try {
        if (Date.now() - lastClaim > CLAIM_IDLE_MS / 2) {
          lastClaim = Date.now()
          await redis.xautoclaim(keys.inbox, GROUP, options.consumer, CLAIM_IDLE_MS, '0', 'COUNT', BATCH)
        }
        // our own unacknowledged entries first (a failed batch, or ones claimed above), then new ones
        const pending = await read('0')
        const entries = pending.length > 0 ? pending : await read('>')
        if (entries.length > 0) {
          await queueJobs(entries)
        }
      } catch (err) {
        if (!running) break
        logger.warn({ err: (err as Error).message }, 'inbox pump retrying')
        await new Promise((r) => setTimeout(r, 500))
      }
    }
  }

  const done = loop().catch((err: unknown) => logger.error({ err }, 'inbox pump stopped'))
  return {
    async stop() {
      running = false
      await done
    },
  }
}
