/**
 * `hookyard serve` on a primary and its replica watched by three sentinels: it delivers, /readyz
 * names the primary, and when the primary dies ingest answers 503 + Retry-After until the
 * sentinels promote the replica, then accepts and delivers again without a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { githubBranchPush } from '../helpers/fixtures.ts'
import { startHookyardProcess, type HookyardProcess } from '../helpers/hookyard-process.ts'
import { pushToTargetRules, startSentinelTopology, type SentinelTopology } from '../helpers/redis-topologies.ts'
import { githubHeaders } from '../helpers/sign.ts'

const SECRET = 'github-secret-for-redis-sentinel'

let topology: SentinelTopology
let target: CaptureServer
let hy: HookyardProcess | undefined

beforeAll(async () => {
  ;[topology, target] = await Promise.all([startSentinelTopology(), startCaptureServer()])
})

afterAll(async () => {
  await hy?.stop()
  await topology?.stop()
  await target?.close()
})

async function post(url: string): Promise<{ res: Response; sha: unknown }> {
  const push = githubBranchPush()
  const body = JSON.stringify(push)
  const res = await fetch(`${url}/hooks/github`, { method: 'POST', body, headers: githubHeaders(SECRET, 'push', body), signal: AbortSignal.timeout(5_000) })
  return { res, sha: push['after'] }
}

async function readyz(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}/readyz`)
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

const delivered = (sha: unknown): boolean => target.requests.some((r) => (JSON.parse(r.body) as { sha?: unknown }).sha === sha)

describe('Redis Sentinel', () => {
  it('delivers through the primary the sentinels name, and follows a failover without a restart', async () => {
    hy = await startHookyardProcess('all', {
      REDIS_SENTINELS: topology.sentinelList,
      REDIS_SENTINEL_NAME: topology.name,
      RULES_DIR: pushToTargetRules(`${target.url}/ci`),
      SECRET,
    })
    const url = hy.url

    const first = await post(url)
    expect(first.res.status).toBe(202)
    await expect.poll(() => delivered(first.sha), { timeout: 15_000 }).toBe(true)
    expect(await readyz(url)).toMatchObject({ status: 200, body: { redis: 'ok', redis_deployment: { mode: 'sentinel', tls: false, primary: topology.primary.address } } })

    // the primary dies: until the sentinels promote the replica (1 s to notice, then a vote) no
    // write can land, and ingest says so with 503 + Retry-After instead of hanging
    await topology.primary.kill()
    const statuses: number[] = []
    let refusedWithoutRetryAfter = 0
    await expect
      .poll(
        async () => {
          const { res } = await post(url)
          statuses.push(res.status)
          if (res.status === 503 && res.headers.get('retry-after') === null) refusedWithoutRetryAfter++
          return res.status
        },
        { timeout: 25_000, interval: 200 }
      )
      .toBe(202)
    expect(statuses).toContain(503)
    expect(statuses.every((s) => s === 503 || s === 202)).toBe(true)
    expect(refusedWithoutRetryAfter).toBe(0)
    expect(await topology.agreedPrimary()).toBe(topology.replica.address)

    // after the failover: accepted and delivered through the promoted replica, named by /readyz
    const after = await post(url)
    expect(after.res.status).toBe(202)
    await expect.poll(() => delivered(after.sha), { timeout: 15_000 }).toBe(true)
    await expect.poll(async () => (await readyz(url)).body, { timeout: 10_000 }).toMatchObject({ redis: 'ok', redis_deployment: { mode: 'sentinel', primary: topology.replica.address } })
    expect(hy.child.exitCode).toBeNull()
  }, 60_000)
})
