/**
 * `hookyard serve` on a three-node Redis Cluster: every key (hookyard's and BullMQ's) shares the
 * `{prefix}` hash tag, so it accepts and delivers as on one server, and /readyz names the node
 * that holds that slot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { githubBranchPush } from '../helpers/fixtures.ts'
import { startHookyardProcess, type HookyardProcess } from '../helpers/hookyard-process.ts'
import { ask, pushToTargetRules, startClusterTopology, type ClusterTopology } from '../helpers/redis-topologies.ts'
import { githubHeaders } from '../helpers/sign.ts'

const SECRET = 'github-secret-for-redis-cluster'
const EVENTS = 5

let cluster: ClusterTopology
let target: CaptureServer
const running: HookyardProcess[] = []

beforeAll(async () => {
  ;[cluster, target] = await Promise.all([startClusterTopology(), startCaptureServer()])
})

afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()))
  await cluster?.stop()
  await target?.close()
})

describe('Redis Cluster', () => {
  // two prefixes whose slots (6889, 11361) lie on different nodes of the three: /readyz must name each one's
  it.each(['hookyard', 'other'])('prefix %s: accepts and delivers end to end, and /readyz names the node of its slot', async (prefix) => {
    const hy = await startHookyardProcess('all', {
      REDIS_CLUSTER_NODES: cluster.nodeList,
      HOOKYARD_PREFIX: prefix,
      RULES_DIR: pushToTargetRules(`${target.url}/${prefix}`),
      SECRET,
    })
    running.push(hy)

    const shas: unknown[] = []
    for (let i = 0; i < EVENTS; i++) {
      const push = githubBranchPush()
      const body = JSON.stringify(push)
      const res = await fetch(`${hy.url}/hooks/github`, { method: 'POST', body, headers: githubHeaders(SECRET, 'push', body) })
      expect(res.status).toBe(202)
      shas.push(push['after'])
    }
    const received = (): unknown[] => target.requests.filter((r) => r.url === `/${prefix}`).map((r) => (JSON.parse(r.body) as { sha: unknown }).sha)
    await expect.poll(() => received().length, { timeout: 15_000 }).toBe(EVENTS)
    expect(received().sort()).toEqual([...shas].sort())

    const node = await cluster.nodeOf(`{${prefix}}`)
    const ready = await fetch(`${hy.url}/readyz`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toMatchObject({ redis: 'ok', redis_deployment: { mode: 'cluster', tls: false, primary: node } })

    // everything this hookyard wrote (BullMQ's keys too) is on that node, none elsewhere
    const keysOn = async (port: number): Promise<string[]> => (await ask(port, 'KEYS', `*${prefix}*`)) as string[]
    const [mine, others] = [cluster.nodes.find((n) => n.address === node)!, cluster.nodes.filter((n) => n.address !== node)]
    expect(await keysOn(mine.port)).toEqual(expect.arrayContaining([`{${prefix}}:inbox`, expect.stringMatching(new RegExp(`^\\{${prefix}\\}:deliveries:`))]))
    for (const other of others) expect(await keysOn(other.port)).toEqual([])
  }, 40_000)
})
