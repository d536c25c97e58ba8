import { totalmem } from 'node:os'

/** EMBEDDED_REDIS_MAXMEMORY: a size, or a share of the memory this host (or its cgroup) has. */
export type MaxmemorySetting = { bytes: number } | { percentOfHost: number }

const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }
/** Below this Redis cannot even hold its own bookkeeping and the queue's scripts. */
const MIN_BYTES = 1024 ** 2

/**
 * Reads `512mb`, `2gb`, `1048576` (bytes) or `50%` (of the host's memory).
 * @throws Error naming what is wrong and what to write instead
 */
export function parseMaxmemory(text: string): MaxmemorySetting {
  const percent = /^(\d{1,3})%$/.exec(text.trim())
  if (percent) {
    const value = Number(percent[1])
    if (value < 1 || value > 100) throw new Error(`"${text}" is not a share between 1% and 100%`)
    return { percentOfHost: value }
  }
  const size = /^(\d+)\s*(b|kb|mb|gb)?$/i.exec(text.trim())
  if (!size) throw new Error(`"${text}" is not a size: write e.g. 512mb, 2gb, or 50% (of the host's memory)`)
  const bytes = Number(size[1]) * (UNITS[(size[2] ?? '').toLowerCase()] ?? 1)
  if (bytes < MIN_BYTES) throw new Error(`"${text}" is below 1mb, too little for Redis to run hookyard`)
  return { bytes }
}

/** The setting in bytes; a share is taken of the memory the process may use (a cgroup limit counts). */
export function maxmemoryBytes(setting: MaxmemorySetting, hostBytes = hostMemoryBytes()): number {
  if ('bytes' in setting) return setting.bytes
  return Math.max(MIN_BYTES, Math.floor((hostBytes * setting.percentOfHost) / 100))
}

/** Total memory, or the cgroup limit when one is set and smaller (a container, a systemd slice). */
export function hostMemoryBytes(): number {
  const constrained = process.constrainedMemory()
  const total = totalmem()
  return constrained > 0 && constrained < total ? constrained : total
}

/** `512mb`, `1.5gb`: how Redis sizes read in messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${round(bytes / 1024 ** 3)}gb`
  if (bytes >= 1024 ** 2) return `${round(bytes / 1024 ** 2)}mb`
  return `${round(bytes / 1024)}kb`
}

function round(n: number): string {
  return String(Math.round(n * 10) / 10)
}
