/**
 * Trigger latency: how long a build trigger takes from the sender's request to the CI target at a
 * steady, modest rate. Open loop: a timer sends each request at its slot whether or not earlier
 * answers are in, as senders do. Each request carries its own X-GitHub-Delivery; the 202 answer names
 * the delivery it queued, and the target records when the request naming that delivery
 * (X-Hookyard-Delivery) arrived. Both clocks are this process's performance.now().
 */
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { startFreshRelay } from './fresh-relay.ts'
import type { RecordingTarget } from './recording-target.ts'
import { waitFor } from './wait-for.ts'

/** how long every delivery may take after the last send before the run reports a shortfall */
const DELIVERY_TIMEOUT_MS = 30_000
const WARM_UP_SEC = 1

export interface TriggerLatencyFigures {
  rate_per_sec: number
  duration_sec: number
  sent: number
  /** answered 202 with one queued delivery */
  accepted: number
  delivered: number
  /** sent but not delivered within 30 s (refused requests included) */
  missing: number
  /** request sent to delivery received at the target, over the delivered requests */
  p50_ms: number
  p99_ms: number
  max_ms: number
  /** the latest any send left after its slot (the sending timer's own delay) */
  send_lag_max_ms: number
}

export interface TriggerLatencyOptions {
  work: string
  env: Record<string, string>
  target: RecordingTarget
  body: string
  headers: Record<string, string>
  ratePerSec: number
  durationSec: number
}

/** One request: when it left, and the delivery its answer named (null when it was not accepted). */
interface Sent {
  sentAt: number
  deliveryId: string | null
}

export async function measureTriggerLatency(options: TriggerLatencyOptions): Promise<TriggerLatencyFigures> {
  const { target, ratePerSec } = options
  const relay = await startFreshRelay(options.work, 'latency', options.env)
  try {
    const url = `http://127.0.0.1:${relay.server.port}/hooks/github`
    const send = async (): Promise<Sent> => {
      const headers = { ...options.headers, 'x-github-delivery': randomUUID() }
      const sentAt = performance.now()
      try {
        const res = await fetch(url, { method: 'POST', headers, body: options.body })
        const answer = (await res.json()) as { deliveries?: { id: string; status: string }[] }
        const queued = res.status === 202 ? answer.deliveries?.find((d) => d.status === 'queued') : undefined
        return { sentAt, deliveryId: queued?.id ?? null }
      } catch {
        return { sentAt, deliveryId: null }
      }
    }
    const arrived = (s: Sent): boolean => s.deliveryId !== null && target.arrivalOf(s.deliveryId) !== undefined
    const allArrived = (sent: Sent[]): Promise<boolean> =>
      waitFor(() => sent.every((s) => s.deliveryId === null || arrived(s)), DELIVERY_TIMEOUT_MS)

    // warm-up: the same traffic for a second, delivered before the measured run starts
    await allArrived((await openLoop(send, ratePerSec, WARM_UP_SEC)).sent)
    const { sent, lagMaxMs } = await openLoop(send, ratePerSec, options.durationSec)
    await allArrived(sent)

    const latencies = sent
      .filter(arrived)
      .map((s) => (target.arrivalOf(s.deliveryId ?? '') ?? 0) - s.sentAt)
      .sort((a, b) => a - b)
    return {
      rate_per_sec: ratePerSec,
      duration_sec: options.durationSec,
      sent: sent.length,
      accepted: sent.filter((s) => s.deliveryId !== null).length,
      delivered: latencies.length,
      missing: sent.length - latencies.length,
      p50_ms: round(percentile(latencies, 50)),
      p99_ms: round(percentile(latencies, 99)),
      max_ms: round(latencies.at(-1) ?? Number.NaN),
      send_lag_max_ms: round(lagMaxMs),
    }
  } finally {
    await relay.stop()
  }
}

/** Sends rate x seconds requests, each at its own slot (start + i / rate), without waiting for answers in between. */
async function openLoop<T>(send: () => Promise<T>, ratePerSec: number, seconds: number): Promise<{ sent: T[]; lagMaxMs: number }> {
  const count = Math.round(ratePerSec * seconds)
  const intervalMs = 1000 / ratePerSec
  const start = performance.now()
  const pending: Promise<T>[] = []
  let lagMaxMs = 0
  for (let i = 0; i < count; i++) {
    const slot = start + i * intervalMs
    const early = slot - performance.now()
    if (early > 0) await sleep(early)
    lagMaxMs = Math.max(lagMaxMs, performance.now() - slot)
    pending.push(send())
  }
  return { sent: await Promise.all(pending), lagMaxMs }
}

/** Nearest-rank percentile of ascending values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
}

function round(ms: number): number {
  return Number(ms.toFixed(1))
}

/** The `latency` log line. */
export function describeTriggerLatency(t: TriggerLatencyFigures): string {
  const shortfall = t.missing > 0 ? ` (${t.missing} NOT DELIVERED within ${DELIVERY_TIMEOUT_MS / 1000} s; ${t.accepted} accepted)` : ''
  return (
    `latency   --role all at a steady ${t.rate_per_sec} req/s for ${t.duration_sec} s (open loop), send to arrival at the target: ` +
    `p50 ${t.p50_ms} ms, p99 ${t.p99_ms} ms, max ${t.max_ms} ms; ${t.sent} sent, ${t.delivered} delivered${shortfall}; sends at most ${t.send_lag_max_ms} ms late`
  )
}
