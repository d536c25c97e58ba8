import type { Queue } from 'bullmq'
import type { Logger } from '../logger.ts'
import type { CooldownStore } from '../store/cooldown-store.ts'
import type { Inbox, InboxEntry } from '../store/inbox.ts'
import { COOLDOWN_JOB, DELIVER_JOB, cooldownDedupId, deliveryJobOptions, type QueueJobData } from './delivery-job.ts'
import type { InboxJob } from './inbox-job.ts'

export interface InboxPumpOptions {
  /** one partition's inbox, on a dedicated connection: a blocking read holds it */
  inbox: Inbox
  /** the queue of a target's partition */
  queueFor: (target: string) => Queue<QueueJobData>
  /** the cooldown store of a target's partition */
  cooldownsFor: (target: string) => CooldownStore
  logger: Logger
  consumer: string
  retentionMs: number
}

export interface InboxPump {
  /** finishes the batch in hand, then stops */
  stop(): Promise<void>
}

const BATCH = 500
const BLOCK_MS = 1000
/** An entry another pump read but did not acknowledge for this long is taken over (that pump died). */
const CLAIM_IDLE_MS = 30_000

type CooldownInboxJob = Extract<InboxJob, { kind: 'cooldown' }>

/**
 * Moves accepted events' jobs from one partition's inbox stream into BullMQ in batches, off the
 * request path, each job into its target's partition queue. A consumer group lets any number of
 * workers pump; an entry is acknowledged only after its jobs are queued, and job ids are the
 * delivery ids, so a batch retried after a crash queues nothing twice.
 */
export function startInboxPump(options: InboxPumpOptions): InboxPump {
  const { inbox, logger } = options
  let running = true

  const queueJobs = async (entries: InboxEntry[]): Promise<void> => {
    // an entry holds the jobs JSON of each event of one accept batch
    const jobs = entries.flatMap((entry) => entry.jobs.flatMap((json) => JSON.parse(json) as InboxJob[]))
    const opts = (attempts: number) => deliveryJobOptions(attempts, options.retentionMs)
    const direct = jobs.flatMap((j) => (j.kind === 'deliver' ? [j] : []))
    for (const [queue, batch] of groupBy(direct, (j) => options.queueFor(j.data.target))) {
      await queue.addBulk(batch.map((j) => ({ name: DELIVER_JOB, data: j.data, opts: { jobId: j.data.id, ...opts(j.attempts) } })))
    }
    // Every delivery of the batch is recorded before any wake-up job is added: a worker already
    // waiting takes a key the moment its job appears, and must then find the newest of the batch
    // (a backlog that piled up while no worker ran arrived before any window opened). Adding each
    // job right after its record let a worker send an older one and the newest a window later.
    // The state is still written before its wake-up job, never after (lost wake-up).
    const wakeUps = new Map<string, { job: CooldownInboxJob; gateTtlMs: number }>()
    for (const j of jobs) {
      if (j.kind !== 'cooldown') continue
      const gateTtlMs = await options.cooldownsFor(j.data.target).record(j.data.keyHash, j.data.cooldownKey, j.deliveryId, j.data.supersede ? 'superseded' : 'coalesced')
      wakeUps.set(j.data.keyHash, { job: j, gateTtlMs })
    }
    for (const { job, gateTtlMs } of wakeUps.values()) {
      await options.queueFor(job.data.target).add(COOLDOWN_JOB, job.data, {
        deduplication: { id: cooldownDedupId(job.data.keyHash) },
        delay: Math.max(0, gateTtlMs),
        ...opts(job.attempts),
      })
    }
    await inbox.ack(entries.map((entry) => entry.id))
  }

  const read = (which: 'pending' | 'new'): Promise<InboxEntry[]> => inbox.read(options.consumer, which, BATCH, BLOCK_MS)

  const loop = async (): Promise<void> => {
    await inbox.ensureGroup()
    let lastClaim = 0
    while (running) {
      try {
        if (Date.now() - lastClaim > CLAIM_IDLE_MS / 2) {
          lastClaim = Date.now()
          await inbox.claimStale(options.consumer, CLAIM_IDLE_MS, BATCH)
        }
        // our own unacknowledged entries first (a failed batch, or ones claimed above), then new ones
        const pending = await read('pending')
        const entries = pending.length > 0 ? pending : await read('new')
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

function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>()
  for (const item of items) {
    const key = keyOf(item)
    const group = groups.get(key)
    if (group) group.push(item)
    else groups.set(key, [item])
  }
  return groups
}
