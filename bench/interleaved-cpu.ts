import type { RunFigures } from './measured-run.ts'

/** CPU per accepted event of one server (its process + its Redis) in each slice, in microseconds. */
export interface InterleavedCpu {
  naive_us: number[]
  ingest_us: number[]
  /** least ingest / least naive */
  ratio: number
}

/**
 * CPU time per event, measured in short slices in which the naive durable server and hookyard take
 * turns. On a shared virtual machine the host can take the CPU from under a running process, and
 * that stolen time is counted as the process's own: a run that meets a busy neighbour reports 3 to
 * 4 times the CPU per event of a quiet one, for the same work (its profile shows the same calls per
 * request). Stolen time only ever adds, so the least figure of several slices is the closest to
 * the true cost, and taking turns lets both servers meet the same quiet moments. A run on a busy machine still
 * inflates hookyard's figure more than the naive server's (more memory touched per event), so
 * the figures that count are those of a quiet machine.
 */
export async function interleavedCpu(
  naive: () => Promise<RunFigures>,
  ingest: () => Promise<RunFigures>,
  slices: number,
  /** the rounds' runs, which count as slices too */
  rounds: { naive: RunFigures; ingest: RunFigures }[]
): Promise<InterleavedCpu> {
  const total = (run: RunFigures): number => run.cpu.server + run.cpu.redis
  const result: InterleavedCpu = { naive_us: rounds.map((r) => total(r.naive)), ingest_us: rounds.map((r) => total(r.ingest)), ratio: 0 }
  for (let i = 0; i < slices; i++) {
    result.naive_us.push(total(await naive()))
    result.ingest_us.push(total(await ingest()))
  }
  result.ratio = Number((Math.min(...result.ingest_us) / Math.min(...result.naive_us)).toFixed(2))
  return result
}

export function describeInterleavedCpu(slices: InterleavedCpu, sliceSec: number): string {
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? 0
  return (
    `cpu slices the rounds and ${sliceSec} s slices, ${slices.ingest_us.length} each, taking turns, CPU per event (server + redis): ` +
    `hookyard least ${Math.min(...slices.ingest_us)} us (median ${median(slices.ingest_us)}), naive durable least ${Math.min(...slices.naive_us)} us (median ${median(slices.naive_us)}); ` +
    `ratio of the least ${slices.ratio} x`
  )
}
