/**
 * `hookyard serve` on a three-node Redis Cluster. With REDIS_PARTITIONS=1 every key (hookyard's
 * and BullMQ's) shares the `{prefix}` hash tag, so it accepts and delivers as on one server, and
 * /readyz names the node that holds that slot. With the cluster default (16 partitions) two
 * processes spread their keys over every primary, deliver every event once, and keep a cooldown
 * exact across both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLUSTER_PARTITIONS } from '../../src/config.ts'
import { clusterSlot } from '../../src/store/cluster-slot.ts'
import { partitionTags } from '../../src/store/partitions.ts'
import { adminClient, type DeliveryItem, type EventItem, type Page } from '../helpers/admin-client.ts'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { githubBranchPush } from '../helpers/fixtures.ts'
import { startHookyardProcess, writeRules, type HookyardProcess } from '../helpers/hookyard-process.ts'
import { ask, pushToTargetRules, startClusterTopology, type ClusterTopology } from '../helpers/redis-topologies.ts'
import { githubHeaders } from '../helpers/sign.ts'

const SECRET = 'github-secret-for-redis-cluster'
const ADMIN_TOKEN = 'cluster-admin-token-0123456789'
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
      REDIS_PARTITIONS: '1',
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

  it('the partition tags take 16 distinct slots, one in each sixteenth of the slots, as CLUSTER KEYSLOT computes them', async () => {
    const tags = partitionTags('hookyard', CLUSTER_PARTITIONS)
    const slots = tags.map((tag) => clusterSlot(`{${tag}}:inbox`))
    expect(slots.map((slot) => Math.floor(slot / (16384 / CLUSTER_PARTITIONS)))).toEqual([...Array(CLUSTER_PARTITIONS).keys()])
    const samples = [...tags.map((tag) => `{${tag}}:inbox`), 'foo', '123456789', 'a{}b', '{}', 'x{y}z{w}', 'ünïcode-key']
    for (const key of samples) expect(Number(await ask(cluster.nodes[0]!.port, 'CLUSTER', 'KEYSLOT', key)), key).toBe(clusterSlot(key))
  })
})

describe('Redis Cluster, partitioned (the default)', () => {
  const TARGETS = 40
  const ACCEPTANCE_EVENTS = 2000
  const TOKEN = 'cluster-partitions-token'
  const prefix = 'spread'
  const names = [...Array(TARGETS).keys()].map((i) => `t${String(i).padStart(2, '0')}`)
  let capture: CaptureServer
  let processes: HookyardProcess[]

  beforeAll(async () => {
    capture = await startCaptureServer()
    // 40 targets on one capture server (one path each), a route per target picked by the body's `t`,
    // and one target with a 2 s cooldown
    const rulesDir = writeRules({
      'spread.yaml': `
sources:
  app: { type: generic, secret: ${TOKEN} }
targets:
${names.map((t) => `  ${t}: { type: http, url: "${capture.url}/${t}" }`).join('\n')}
  cooled: { type: http, url: "${capture.url}/cooled", cooldown: 2s }
routes:
${names.map((t) => `  - { name: to-${t}, source: app, when: 'body.t = "${t}"', to: ${t}, map: '{ "body": { "n": body.n } }' }`).join('\n')}
  - { name: to-cooled, source: app, when: 'body.t = "cooled"', to: cooled, map: '{ "body": { "n": body.n } }' }
`,
    })
    const env = { REDIS_CLUSTER_NODES: cluster.nodeList, HOOKYARD_PREFIX: prefix, RULES_DIR: rulesDir, HOOKYARD_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'info' }
    processes = await Promise.all([startHookyardProcess('all', env), startHookyardProcess('all', env)])
    running.push(...processes)
  }, 40_000)

  afterAll(() => capture?.close())

  /** Event `n` to the target named `t`, through process `n % 2`. */
  const send = (n: number, t: string): Promise<Response> =>
    fetch(`${processes[n % 2]!.url}/hooks/app`, { method: 'POST', body: JSON.stringify({ n, t }), headers: { 'content-type': 'application/json', 'x-hookyard-token': TOKEN } })
  const received = (path: (url: string) => boolean): number[] => capture.requests.filter((r) => path(r.url)).map((r) => (JSON.parse(r.body) as { n: number }).n)

  it('2,000 events to 40 targets from two processes: each delivered once, to its target, and no primary holds more than half of the keys', async () => {
    const started = Date.now()
    const statuses: number[] = []
    for (let from = 0; from < ACCEPTANCE_EVENTS; from += 50) {
      const batch = [...Array(50).keys()].map((i) => from + i)
      statuses.push(...(await Promise.all(batch.map(async (n) => (await send(n, names[n % TARGETS]!)).status))))
    }
    expect(statuses.filter((s) => s !== 202)).toEqual([])
    const accepted = (Date.now() - started) / 1000
    const delivered = (): number[] => received((url) => /^\/t\d\d$/.test(url))
    await expect.poll(() => new Set(delivered()).size, { timeout: 30_000, interval: 200 }).toBe(ACCEPTANCE_EVENTS)
    const seconds = (Date.now() - started) / 1000
    const all = delivered()
    const duplicates = all.length - new Set(all).size
    // every event reached the target its `t` named
    for (const r of capture.requests.filter((r) => /^\/t\d\d$/.test(r.url))) {
      expect(r.url).toBe(`/${names[(JSON.parse(r.body) as { n: number }).n % TARGETS]!}`)
    }
    const perNode = await Promise.all(cluster.nodes.map(async (node) => ((await ask(node.port, 'KEYS', `*{${prefix}:*`)) as string[]).length))
    const total = perNode.reduce((a, b) => a + b, 0)
    console.log(
      `cluster, 16 partitions, 2 processes: ${ACCEPTANCE_EVENTS} events to ${TARGETS} targets accepted in ${accepted.toFixed(1)} s, all delivered after ${seconds.toFixed(1)} s; ` +
        `duplicates ${duplicates}; keys per primary ${perNode.join(' / ')} (largest share ${((100 * Math.max(...perNode)) / total).toFixed(1)} %)`
    )
    expect(duplicates).toBe(0)
    expect(Math.min(...perNode)).toBeGreaterThan(0)
    expect(await (await fetch(`${processes[0]!.url}/readyz`)).json()).toMatchObject({ redis: 'ok', redis_deployment: { mode: 'cluster', partitions: CLUSTER_PARTITIONS } })
    expect(Math.max(...perNode)).toBeLessThanOrEqual(total / 2)

    // the admin API lists every partition's events as one index, newest first, through its cursors
    const api = adminClient(processes[0]!.url, ADMIN_TOKEN)
    const listed: EventItem[] = []
    let cursor: string | null = null
    do {
      const page: Page<EventItem> = (await api.get<Page<EventItem>>(`/api/events?source=app&limit=200${cursor ? `&cursor=${cursor}` : ''}`)).json
      listed.push(...page.items)
      cursor = page.next_cursor
    } while (cursor)
    expect(new Set(listed.map((e) => e.id)).size).toBe(ACCEPTANCE_EVENTS)
    const times = listed.map((e) => Date.parse(e.received_at))
    expect(times).toEqual([...times].sort((a, b) => b - a))
  }, 60_000)

  it('cooldown stays exact across two processes: a burst sends the first at once and, one window later, only the newest', async () => {
    const base = 100_000
    const burst = [...Array(20).keys()].map((i) => base + i)
    expect((await Promise.all(burst.map((n) => send(n, 'cooled')))).map((r) => r.status)).toEqual(burst.map(() => 202))
    // well inside the window, and late enough that every pump has recorded the burst
    await new Promise((r) => setTimeout(r, 1_000))
    const newest = base + 99
    expect((await send(newest, 'cooled')).status).toBe(202)
    const cooled = (): number[] => received((url) => url === '/cooled')
    await expect.poll(() => cooled().length, { timeout: 10_000 }).toBe(2)
    // nothing more after another window
    await new Promise((r) => setTimeout(r, 2_500))
    expect(cooled()).toHaveLength(2)
    expect(burst).toContain(cooled()[0])
    expect(cooled()[1]).toBe(newest)
    // every other delivery was folded into a sent one, wherever its record lives
    const api = adminClient(processes[1]!.url, ADMIN_TOKEN)
    const coalesced = async (): Promise<number> => (await api.get<Page<DeliveryItem>>('/api/deliveries?target=cooled&status=coalesced&limit=100')).json.items.length
    await expect.poll(coalesced, { timeout: 5_000 }).toBe(burst.length - 1)
  }, 30_000)
})
