/**
 * What a durable server costs its Redis in storage: memory (INFO used_memory) and the
 * append-only file (the sum of the files in Redis 7's appenddir: base, incr and manifest).
 */
import { Redis } from 'ioredis'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

export interface StorageReading {
  usedMemory: number
  aofBytes: number
  aofRewrites: number
}

export interface StoragePerEvent {
  /** used_memory growth per accepted event, in bytes */
  memory: number
  /** AOF growth per accepted event, in bytes */
  aof: number
}

export class RedisStorage {
  private readonly client: Redis

  constructor(url: string, private readonly dir: string) {
    this.client = new Redis(url)
  }

  /**
   * Turns automatic AOF rewrites off: a rewrite during a run would shrink the files being measured
   * and bill one run for everything stored before it. Its cost is measured apart (rewriteCpu).
   */
  async holdRewrites(): Promise<void> {
    await this.client.config('SET', 'auto-aof-rewrite-percentage', '0')
    await this.waitForRewrite()
  }

  async read(): Promise<StorageReading> {
    const [memory, persistence] = await Promise.all([this.client.info('memory'), this.client.info('persistence')])
    const aofDir = join(this.dir, await this.appendDirName())
    const aofBytes = readdirSync(aofDir).reduce((sum, file) => sum + statSync(join(aofDir, file)).size, 0)
    return { usedMemory: infoField(memory, 'used_memory'), aofBytes, aofRewrites: infoField(persistence, 'aof_rewrites') }
  }

  /** Storage growth per event between two readings; throws when an AOF rewrite happened in between. */
  static perEvent(before: StorageReading, after: StorageReading, events: number): StoragePerEvent {
    if (after.aofRewrites !== before.aofRewrites) {
      throw new Error('an AOF rewrite ran during the measurement: its AOF figures are not growth (run holdRewrites first)')
    }
    const per = (bytes: number): number => Math.round(bytes / Math.max(1, events))
    return { memory: per(after.usedMemory - before.usedMemory), aof: per(after.aofBytes - before.aofBytes) }
  }

  /** Starts an AOF rewrite and resolves when it has finished. */
  async rewrite(): Promise<void> {
    await this.waitForRewrite()
    await this.client.bgrewriteaof()
    await this.waitForRewrite()
  }

  async close(): Promise<void> {
    await this.client.quit()
  }

  private async waitForRewrite(): Promise<void> {
    const busy = async (): Promise<boolean> => {
      const info = await this.client.info('persistence')
      return infoField(info, 'aof_rewrite_in_progress') === 1 || infoField(info, 'aof_rewrite_scheduled') === 1
    }
    while (await busy()) {
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  private async appendDirName(): Promise<string> {
    const [, name] = (await this.client.config('GET', 'appenddirname')) as [string, string]
    return name
  }
}

function infoField(info: string, field: string): number {
  const value = new RegExp(`^${field}:(\\d+)`, 'm').exec(info)?.[1]
  if (value === undefined) throw new Error(`Redis INFO has no ${field} field (Redis 7 or later is needed)`)
  return Number(value)
}
