/**
 * The acknowledgement point under a failover: `hookyard serve` with REDIS_WAIT_REPLICAS=1 on a
 * primary with two replicas watched by three sentinels, under a steady 100 signed GitHub pushes a
 * second. The primary is SIGKILLed mid-stream: every push answered 2xx must still be delivered,
 * ingest must answer 2xx again within 10 s of the promotion, and the same hookyard process must
 * carry on. Two replicas, so the promoted one still has a replica to confirm writes.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { githubBranchPush } from '../helpers/fixtures.ts'
import { startHookyardProcess, type HookyardProcess } from '../helpers/hookyard-process.ts'
import { pushToTargetRules, startSentinelTopology, type SentinelTopology } from '../helpers/redis-topologies.ts'
import { githubHeaders } from '../helpers/sign.ts'

const SECRET = 'github-secret-for-redis-failover'
const RATE_PER_SECOND = 100
const BEFORE_KILL_MS = 3_000
const AFTER_PROMOTION_MS = 10_000

let topology: SentinelTopology
let target: CaptureServer
const started: HookyardProcess[] = []

beforeAll(async () => {
  ;[topology, target] = await Promise.all([startSentinelTopology('mymaster', { replicas: 2 }), startCaptureServer()])
})

afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()))
  await topology?.stop()
  await target?.close()
})

interface Sent {
  sha: string
  sentAt: number
  /** HTTP status, or 0 when the request itself failed */
  status: number
  retryAfter: string | null
  answeredAt: number
}

/** One push with a sha of its own, so its delivery can be told apart. */
async function post(url: string): Promise<Sent> {
  const sha = randomBytes(20).toString('hex')
  const push = githubBranchPush()
  push['after'] = sha
  const body = JSON.stringify(push)
  const sentAt = Date.now()
  try {
    const res = await fetch(`${url}/hooks/github`, { method: 'POST', body, headers: githubHeaders(SECRET, 'push', body), signal: AbortSignal.timeout(15_000) })
    await res.arrayBuffer()
    return { sha, sentAt, status: res.status, retryAfter: res.headers.get('retry-after'), answeredAt: Date.now() }
  } catch {
    return { sha, sentAt, status: 0, retryAfter: null, answeredAt: Date.now() }
  }
}

function deliveredShas(): Set<string> {
  return new Set(target.requests.map((r) => (JSON.parse(r.body) as { sha?: string }).sha ?? ''))
}

async function readyz(url: string): Promise<Record<string, unknown>> {
  return (await (await fetch(`${url}/readyz`)).json()) as Record<string, unknown>
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

describe('REDIS_WAIT_REPLICAS under a Sentinel failover', () => {
  it('refuses with 503 + Retry-After, after about REDIS_WAIT_TIMEOUT, when fewer replicas than asked for confirm', async () => {
    const hy = await startHookyardProcess('ingest', {
      REDIS_SENTINELS: topology.sentinelList,
      REDIS_SENTINEL_NAME: topology.name,
      REDIS_WAIT_REPLICAS: '3',
      REDIS_WAIT_TIMEOUT: '500ms',
      RULES_DIR: pushToTargetRules(`${target.url}/ci`),
      SECRET,
    })
    started.push(hy)
    expect(await readyz(hy.url)).toMatchObject({ redis_deployment: { mode: 'sentinel', primary: topology.primary.address, wait_replicas: 3 } })
    const refused = await post(hy.url)
    const took = refused.answeredAt - refused.sentAt
    console.log(`REDIS_WAIT_REPLICAS=3 with 2 replicas, REDIS_WAIT_TIMEOUT=500ms: ${refused.status} after ${took} ms`)
    expect(refused.status).toBe(503)
    expect(refused.retryAfter).not.toBeNull()
    expect(took).toBeGreaterThanOrEqual(450)
    expect(took).toBeLessThan(2_500)

    // ten pushes 30 ms apart, each its own batch: Redis holds the connection during a WAIT, so
    // one WAIT per batch would answer the last after ten timeouts; batches stored while a WAIT
    // runs share the next one, so each is answered within about two
    const burst: Promise<Sent>[] = []
    for (let i = 0; i < 10; i++) {
      burst.push(post(hy.url))
      await sleep(30)
    }
    const answers = await Promise.all(burst)
    const slowest = Math.max(...answers.map((a) => a.answeredAt - a.sentAt))
    console.log(`ten pushes 30 ms apart, same settings: all ${[...new Set(answers.map((a) => a.status))].join(', ')}, the slowest after ${slowest} ms`)
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(503))
    expect(slowest).toBeLessThan(1_800)
    await hy.stop()
  })

  it('delivers every push acknowledged while the primary is SIGKILLed under 100 pushes/s, and accepts again within 10 s of the promotion', async () => {
    const hy = await startHookyardProcess('all', {
      REDIS_SENTINELS: topology.sentinelList,
      REDIS_SENTINEL_NAME: topology.name,
      REDIS_WAIT_REPLICAS: '1',
      RULES_DIR: pushToTargetRules(`${target.url}/ci`),
      SECRET,
      LOG_LEVEL: 'info',
    })
    started.push(hy)
    const pid = hy.child.pid
    const url = hy.url
    expect(await readyz(url)).toMatchObject({ redis: 'ok', redis_deployment: { primary: topology.primary.address, wait_replicas: 1 } })

    // open loop: a push every 10 ms whether or not the earlier ones were answered
    const inFlight: Promise<Sent>[] = []
    const sender = setInterval(() => inFlight.push(post(url)), 1000 / RATE_PER_SECOND)
    try {
      await sleep(BEFORE_KILL_MS)
      const oldPrimary = topology.primary.address
      const killedAt = Date.now()
      await topology.primary.kill()
      let promotedAt = 0
      while (promotedAt === 0) {
        const agreed = await topology.agreedPrimary()
        if (agreed !== null && agreed !== oldPrimary) promotedAt = Date.now()
        else if (Date.now() - killedAt > 20_000) throw new Error('the sentinels promoted no replica within 20 s')
        else await sleep(50)
      }
      await sleep(AFTER_PROMOTION_MS)
      clearInterval(sender)
      const sent = await Promise.all(inFlight)

      const acknowledged = sent.filter((s) => s.status >= 200 && s.status < 300)
      const refused = sent.filter((s) => s.status === 503)
      const failed = sent.filter((s) => s.status === 0)
      const firstAfterKill = sent.filter((s) => s.sentAt > killedAt).find((s) => s.status >= 200 && s.status < 300)
      await expect.poll(() => acknowledged.filter((s) => !deliveredShas().has(s.sha)).length, { timeout: 20_000, interval: 250 }).toBe(0)
      const delivered = deliveredShas()
      const refusedButDelivered = refused.filter((s) => delivered.has(s.sha)).length
      const backAfter = firstAfterKill === undefined ? null : (firstAfterKill.answeredAt - promotedAt) / 1000
      console.log(
        [
          `failover under ${RATE_PER_SECOND} pushes/s with REDIS_WAIT_REPLICAS=1:`,
          `sent ${sent.length}, 2xx ${acknowledged.length}, 503 ${refused.length}, failed requests ${failed.length},`,
          `delivered ${acknowledged.filter((s) => delivered.has(s.sha)).length} of the 2xx (0 lost) and ${refusedButDelivered} of the 503s,`,
          `promotion ${((promotedAt - killedAt) / 1000).toFixed(2)} s after the kill, first 2xx ${backAfter?.toFixed(2)} s after the promotion`,
        ].join(' ')
      )

      expect(failed).toEqual([])
      expect(sent.every((s) => [202, 503].includes(s.status))).toBe(true)
      expect(refused.every((s) => s.retryAfter !== null)).toBe(true)
      expect(refused.length).toBeGreaterThan(0)
      expect(backAfter).not.toBeNull()
      expect(backAfter!).toBeLessThan(10)
      // and it stays back: the last 3 s of pushes were all accepted
      expect(sent.filter((s) => s.sentAt > promotedAt + AFTER_PROMOTION_MS - 3_000).every((s) => s.status === 202)).toBe(true)
      expect(hy.child.pid).toBe(pid)
      expect(hy.child.exitCode).toBeNull()
      expect(await readyz(url)).toMatchObject({ redis: 'ok', redis_deployment: { primary: await topology.agreedPrimary(), wait_replicas: 1 } })
    } finally {
      clearInterval(sender)
    }
  }, 60_000)
})
