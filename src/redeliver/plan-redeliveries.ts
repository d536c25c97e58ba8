/** One entry of GitHub's "list deliveries for a webhook" answer (the fields hookyard reads). */
export interface HookDelivery {
  id: number
  /** X-GitHub-Delivery: the same for a delivery and its redeliveries */
  guid: string
  delivered_at: string
  redelivery: boolean
  /** 0 when GitHub got no answer at all (connection refused, timeout) */
  status_code: number
  status: string
  event: string
  action: string | null
}

/**
 * The deliveries to ask GitHub to send again: per X-GitHub-Delivery id first sent since
 * `sinceMs`, the newest attempt, when no attempt of it was answered with a 2xx. A delivery
 * hookyard did take is never asked for again; one it answered 4xx (a wrong secret, say) is, so
 * fix the cause before redelivering.
 */
export function planRedeliveries(deliveries: readonly HookDelivery[], sinceMs: number): HookDelivery[] {
  const byGuid = new Map<string, HookDelivery[]>()
  for (const d of deliveries) {
    const attempts = byGuid.get(d.guid)
    if (attempts) attempts.push(d)
    else byGuid.set(d.guid, [d])
  }
  const plan: HookDelivery[] = []
  for (const attempts of byGuid.values()) {
    const sorted = [...attempts].sort((a, b) => Date.parse(a.delivered_at) - Date.parse(b.delivered_at))
    const first = sorted[0]
    const newest = sorted.at(-1)
    if (!first || !newest || Date.parse(first.delivered_at) < sinceMs) continue
    if (sorted.some((a) => a.status_code >= 200 && a.status_code < 300)) continue
    plan.push(newest)
  }
  return plan.sort((a, b) => Date.parse(a.delivered_at) - Date.parse(b.delivered_at))
}
