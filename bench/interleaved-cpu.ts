import type { RunFigures } from './measured-run.ts'

/** The servers that take turns, in this order: the naive durable server, the floor (naive + parse + compress) and hookyard. */
const CONTENDERS = ['naive', 'floor', 'ingest'] as const
export type CpuContender = (typeof CONTENDERS)[number]

/** CPU per accepted event of each server (its process + its Redis) in each slice, in microseconds. */
export interface InterleavedCpu {
  naive_us: number[]
  floor_us: number[]
  ingest_us: number[]
  /** least ingest / least naive */
  ratio: number
  /** least floor / least naive: what parsing and compressing alone cost on top of the naive server */
  floor_ratio: number
  /** least ingest / least floor */
  ingest_to_floor: number
}

/**
 * CPU time per event, measured in short slices in which the servers take turns. On a shared
 * virtual machine the host can take the CPU from under a running process, and that stolen time is
 * counted as the process's own: a run that meets a busy neighbour reports 3 to 4 times the CPU per
 * event of a quiet one, for the same work (its profile shows the same calls per request). Stolen
 * time only ever adds, so the least figure of several slices is the closest to the true cost, and
 * taking turns lets the servers meet the same quiet moments. A run on a busy machine still
 * inflates hookyard's figure more than the naive server's (more memory touched per event), so
 * the figures that count are those of a quiet machine.
 */
export async function interleavedCpu(
  runs: Record<CpuContender, () => Promise<RunFigures>>,
  slices: number,
  /** the rounds' runs, which count as slices too */
  rounds: { naive: RunFigures; ingest: RunFigures }[]
): Promise<InterleavedCpu> {
  const total = (run: RunFigures): number => run.cpu.server + run.cpu.redis
  const us: Record<CpuContender, number[]> = { naive: rounds.map((r) => total(r.naive)), floor: [], ingest: rounds.map((r) => total(r.ingest)) }
  for (let i = 0; i < slices; i++) {
    for (const name of CONTENDERS) us[name].push(total(await runs[name]()))
  }
  const least = (name: CpuContender): number => Math.min(...us[name])
  const ratio = (a: number, b: number): number => Number((a / b).toFixed(2))
  return {
    naive_us: us.naive,
    floor_us: us.floor,
    ingest_us: us.ingest,
    ratio: ratio(least('ingest'), least('naive')),
    floor_ratio: ratio(least('floor'), least('naive')),
    ingest_to_floor: ratio(least('ingest'), least('floor')),
  }
}

export function describeInterleavedCpu(slices: InterleavedCpu, sliceSec: number): string {
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? 0
  const figures = (xs: number[]): string => `least ${Math.min(...xs)} us (median ${median(xs)})`
  return (
    `cpu slices the rounds and ${sliceSec} s slices, ${slices.ingest_us.length} each (the floor: the slices only), taking turns, CPU per event (server + redis): ` +
    `hookyard ${figures(slices.ingest_us)}, naive durable ${figures(slices.naive_us)}, floor ${figures(slices.floor_us)}; ` +
    `ratio of the least: hookyard / naive ${slices.ratio} x, floor / naive ${slices.floor_ratio} x, hookyard / floor ${slices.ingest_to_floor} x`
  )
}
