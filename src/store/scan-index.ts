import type { Redis } from 'ioredis'

/** A position in a time index: the score reached and how many members with that score were consumed. */
export interface IndexPosition {
  score: number
  offset: number
}

export interface ScanRequest<T> {
  /** a sorted set scored by epoch milliseconds, or one per partition (read as one merged index) */
  key: string | readonly string[]
  fromMs: number | null
  toMs: number | null
  /** continue after this position (from a previous page's `next`) */
  after: IndexPosition | null
  limit: number
  /** most members examined in one call, matching or not */
  budget: number
  /** loads the records of a chunk of ids (null: gone) */
  load(ids: string[]): Promise<(T | null)[]>
  keep(record: T): boolean
}

export interface ScanPage<T> {
  items: T[]
  /** null: the index holds nothing more in the window */
  next: IndexPosition | null
}

const CHUNK = 200

/**
 * Pages through a time index newest first, filtering in code. Filters run over fetched chunks
 * instead of secondary indexes, so writes stay one cheap ZADD; the price is that a selective
 * filter over a large window may return a short (even empty) page with a `next` position once
 * `budget` members were examined. Only `next: null` means the end. Positions are score + offset
 * (members sharing a score, such as one event's deliveries, are skipped by count), so a page
 * stays stable while newer members are added at the head.
 */
export async function scanIndex<T>(redis: Redis, req: ScanRequest<T>): Promise<ScanPage<T>> {
  let score = req.after ? req.after.score : (req.toMs ?? Number.POSITIVE_INFINITY)
  let offset = req.after?.offset ?? 0
  const min = req.fromMs === null ? '-inf' : String(req.fromMs)
  const items: T[] = []
  let examined = 0
  while (examined < req.budget) {
    const count = Math.min(CHUNK, req.budget - examined)
    const max = Number.isFinite(score) ? String(score) : '+inf'
    const { ids, scores } = await readRange(redis, req.key, max, min, offset, count)
    if (ids.length === 0) {
      return { items, next: null }
    }
    const records = await req.load(ids)
    for (let i = 0; i < ids.length; i++) {
      examined++
      const s = scores[i] as number
      if (s === score) {
        offset++
      } else {
        score = s
        offset = 1
      }
      const record = records[i]
      if (record && req.keep(record)) {
        items.push(record)
        if (items.length >= req.limit) {
          return { items, next: { score, offset } }
        }
      }
    }
    if (ids.length < count) {
      return { items, next: null }
    }
  }
  return { items, next: { score, offset } }
}

interface Range {
  ids: string[]
  scores: number[]
}

/**
 * Members `offset` to `offset + count` of the index newest first, from `max` down to `min`. Several
 * indexes are read as one: newest first, members of equal score in ZREVRANGE's order (descending
 * bytes), so a position (score, offset) means the same in the merged index as in a single one.
 */
async function readRange(redis: Redis, key: string | readonly string[], max: string, min: string, offset: number, count: number): Promise<Range> {
  const keys = typeof key === 'string' ? [key] : key
  if (keys.length === 1) return pairs(await redis.zrevrangebyscore(keys[0]!, max, min, 'WITHSCORES', 'LIMIT', offset, count))
  const parts = await Promise.all(keys.map(async (k) => pairs(await redis.zrevrangebyscore(k, max, min, 'WITHSCORES', 'LIMIT', 0, offset + count))))
  const merged = parts.flatMap((p) => p.ids.map((id, i) => ({ id, score: p.scores[i]! })))
  merged.sort((a, b) => b.score - a.score || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
  const page = merged.slice(offset, offset + count)
  return { ids: page.map((m) => m.id), scores: page.map((m) => m.score) }
}

function pairs(flat: string[]): Range {
  const ids: string[] = []
  const scores: number[] = []
  for (let i = 0; i + 1 < flat.length; i += 2) {
    ids.push(flat[i] as string)
    scores.push(Number(flat[i + 1]))
  }
  return { ids, scores }
}

/** Cursors are opaque to clients: base64url of `score.offset`. */
export function encodeCursor(position: IndexPosition | null): string | null {
  return position && Buffer.from(`${position.score}.${position.offset}`).toString('base64url')
}

/** @returns null when the text is not a cursor this API produced */
export function decodeCursor(text: string): IndexPosition | null {
  const match = /^(\d{1,16})\.(\d{1,9})$/.exec(Buffer.from(text, 'base64url').toString('utf8'))
  return match ? { score: Number(match[1]), offset: Number(match[2]) } : null
}
