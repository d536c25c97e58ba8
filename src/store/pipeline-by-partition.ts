import type { ChainableCommander, Redis } from 'ioredis'
import type { Keys } from './keys.ts'
import type { Partitions } from './partitions.ts'

export type PipelineReply = [error: Error | null, result: unknown]

/**
 * One command per id, pipelined: one pipeline per partition the ids fall in (a Cluster pipeline
 * must stay on one slot), sent together. Replies come back in the order of `ids`.
 */
export async function pipelineByPartition(
  redis: Redis,
  partitions: Partitions,
  ids: readonly string[],
  command: (pipeline: ChainableCommander, keys: Keys, id: string) => void
): Promise<PipelineReply[]> {
  if (partitions.count === 1) {
    const pipeline = redis.pipeline()
    for (const id of ids) command(pipeline, partitions.all[0]!, id)
    return (await pipeline.exec()) ?? []
  }
  const groups = new Map<number, number[]>()
  ids.forEach((id, i) => {
    const p = partitions.ofId(id)
    const group = groups.get(p)
    if (group) group.push(i)
    else groups.set(p, [i])
  })
  const out: PipelineReply[] = new Array<PipelineReply>(ids.length)
  await Promise.all(
    [...groups].map(async ([p, positions]) => {
      const pipeline = redis.pipeline()
      for (const i of positions) command(pipeline, partitions.all[p]!, ids[i]!)
      const replies = ((await pipeline.exec()) ?? []) as PipelineReply[]
      positions.forEach((i, n) => (out[i] = replies[n] ?? [null, null]))
    })
  )
  return out
}
