/**
 * End to end under a flood: a fresh `serve --role all` takes the load generator's flood for a fixed
 * number of seconds while its worker delivers to the recording target, and the run lasts until the
 * last delivery arrives. Deliveries/s counts from the flood's start to that last arrival, so a worker
 * that falls behind during the flood and catches up afterwards shows as a lower rate.
 */
import { acceptedByServer } from './accepted-count.ts'
import type { LoadResult } from './load.ts'
import { accepted as answered2xx } from './measured-run.ts'
import { startFreshRelay } from './fresh-relay.ts'
import type { RecordingTarget } from './recording-target.ts'
import { waitFor } from './wait-for.ts'

/** how long the last deliveries may take after the flood before the run reports a shortfall */
const DRAIN_TIMEOUT_MS = 120_000
/**
 * Requests still in flight when the load generator stops may have been stored without their answer
 * being read: once every event it saw accepted is delivered, the run waits until the target has been
 * quiet this long, so that those requests are finished before the server's own count is read.
 */
const QUIET_MS = 1_000

export interface EndToEndFigures {
  flood_sec: number
  /** events the server accepted (its own count: the load generator's misses requests it abandoned in flight at the end) */
  accepted: number
  /** accepted / flood_sec */
  accepted_per_sec: number
  /** deliveries the target received */
  delivered: number
  /** accepted events whose delivery did not arrive within the drain timeout */
  undelivered: number
  /** delivered / (last delivery - flood start) */
  delivered_per_sec: number
  /** delivered_per_sec / accepted_per_sec */
  ratio_to_accept_rate: number
  /** when the last delivery arrived, counted from the flood's start */
  last_delivery_after_ms: number
  load: LoadResult
  rss_mib: { now: number; peak: number }
}

export interface EndToEndOptions {
  work: string
  env: Record<string, string>
  target: RecordingTarget
  floodSec: number
  flood(port: number, durationSec: number): Promise<LoadResult>
}

export async function measureEndToEnd(options: EndToEndOptions): Promise<EndToEndFigures> {
  const { target, floodSec } = options
  const relay = await startFreshRelay(options.work, 'e2e', options.env)
  try {
    const before = target.count()
    const delivered = (): number => target.count() - before
    const floodStart = Date.now()
    const load = await options.flood(relay.server.port, floodSec)
    const drainDeadline = Date.now() + DRAIN_TIMEOUT_MS
    await waitFor(() => delivered() >= answered2xx(load), DRAIN_TIMEOUT_MS)
    await waitFor(() => Date.now() - target.lastAt() >= QUIET_MS, QUIET_MS * 2)
    const accepted = await acceptedByServer(relay.server.port)
    await waitFor(() => delivered() >= accepted, Math.max(0, drainDeadline - Date.now()))
    const rss = relay.server.rssMiB()
    const lastAfterMs = Math.max(0, target.lastAt() - floodStart)
    const acceptedPerSec = accepted / floodSec
    const deliveredPerSec = lastAfterMs > 0 ? delivered() / (lastAfterMs / 1000) : 0
    return {
      flood_sec: floodSec,
      accepted,
      accepted_per_sec: Math.round(acceptedPerSec),
      delivered: delivered(),
      undelivered: Math.max(0, accepted - delivered()),
      delivered_per_sec: Math.round(deliveredPerSec),
      ratio_to_accept_rate: Number((deliveredPerSec / acceptedPerSec).toFixed(3)),
      last_delivery_after_ms: lastAfterMs,
      load,
      rss_mib: rss,
    }
  } finally {
    await relay.stop()
  }
}

/** The `e2e` log line. */
export function describeEndToEnd(e: EndToEndFigures): string {
  const shortfall = e.undelivered > 0 ? `, ${e.undelivered} NOT DELIVERED within ${DRAIN_TIMEOUT_MS / 1000} s` : ''
  return (
    `e2e       --role all flooded for ${e.flood_sec} s: ${e.accepted} accepted (${e.accepted_per_sec} /s), ${e.delivered} delivered${shortfall}; ` +
    `${e.delivered_per_sec} deliveries/s from the flood's start to the last delivery (${e.ratio_to_accept_rate.toFixed(2)} x the accept rate), ` +
    `last delivery ${(e.last_delivery_after_ms / 1000).toFixed(2)} s after the flood started; RSS ${e.rss_mib.now} MiB (peak ${e.rss_mib.peak} MiB)`
  )
}
