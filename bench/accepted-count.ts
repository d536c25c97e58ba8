/**
 * How many events a hookyard server accepted, by its own count (hookyard_events_received_total with
 * outcome "accepted", from /metrics). The load generator's count misses the requests it abandoned in
 * flight when its time ran out: the server may have stored those, and then delivers them.
 */
export async function acceptedByServer(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`)
  if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`)
  let total = 0
  for (const line of (await res.text()).split('\n')) {
    if (line.startsWith('hookyard_events_received_total{') && line.includes('outcome="accepted"')) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1))
    }
  }
  return total
}
