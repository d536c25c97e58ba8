/**
 * Redis deployments started by the tests themselves, on free loopback ports, in temporary
 * directories: one server over TLS (with a CA and certificate made by openssl at test time), a
 * primary with a replica watched by three sentinels, and a three-node cluster. Each `stop()` ends
 * its processes and removes its directory.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Redis } from 'ioredis'
import { findFreePort, waitForStart } from '../../src/embedded-redis.ts'
import { waitUntil } from './wait-until.ts'
import { writeRules } from './hookyard-process.ts'

const run = promisify(execFile)

/** A redis-server (or sentinel) process of a topology. */
export interface RedisNode {
  port: number
  /** `127.0.0.1:PORT` */
  address: string
  /** SIGKILL: the server dies as in a crash */
  kill(): Promise<void>
}

interface Started extends RedisNode {
  stop(): Promise<void>
}

/** No persistence: these servers live for one test. */
const EPHEMERAL = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no']

/**
 * A replica that must copy the whole dataset after a failover (it had received more of the old
 * primary's stream than the promoted one) starts at once instead of after the default 5 s
 * diskless-sync delay, so tests of a failover do not wait on a setting they do not test.
 */
const PROMPT_FULL_SYNC = ['--repl-diskless-sync-delay', '0']

async function startNode(args: string[], port: number): Promise<Started> {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)))
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)))
  await waitForStart(child, port, 10_000, () => output)
  const end = (signal: NodeJS.Signals) => endChild(child, signal)
  return { port, address: `127.0.0.1:${port}`, kill: () => end('SIGKILL'), stop: () => end('SIGTERM') }
}

function endChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill(signal)
  })
}

/** One call to a server, on a connection of its own. */
export async function ask(port: number, ...command: [string, ...(string | number)[]]): Promise<unknown> {
  const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
  redis.on('error', () => undefined)
  try {
    await redis.connect()
    return await redis.call(...command)
  } finally {
    redis.disconnect()
  }
}

export interface TlsRedis {
  /** rediss://127.0.0.1:PORT */
  url: string
  /** PEM of the CA that signed the server's certificate */
  caFile: string
  stop(): Promise<void>
}

/** A redis-server that speaks TLS only, its certificate (SAN IP 127.0.0.1) signed by a CA made here. */
export async function startTlsRedis(): Promise<TlsRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'hookyard-redis-tls-'))
  const file = (name: string): string => join(dir, name)
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  await run('openssl', ['req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '1', '-subj', '/CN=hookyard test CA'])
  await run('openssl', ['req', '-new', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=127.0.0.1'])
  writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n')
  await run('openssl', ['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('server.pem'), '-days', '1', '-extfile', file('server.ext')])
  const port = await findFreePort()
  const server = await startNode(
    ['--port', '0', '--tls-port', String(port), '--tls-cert-file', file('server.pem'), '--tls-key-file', file('server.key'), '--tls-ca-cert-file', file('ca.pem'), '--tls-auth-clients', 'no', '--dir', dir, ...EPHEMERAL],
    port
  )
  return {
    url: `rediss://127.0.0.1:${port}`,
    caFile: file('ca.pem'),
    stop: async () => {
      await server.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export interface SentinelTopology {
  name: string
  primary: RedisNode
  /** the first of `replicas` */
  replica: RedisNode
  replicas: RedisNode[]
  sentinels: RedisNode[]
  /** `host:port,host:port,host:port` for REDIS_SENTINELS */
  sentinelList: string
  /** the primary every sentinel names, `127.0.0.1:PORT`, or null while they disagree */
  agreedPrimary(): Promise<string | null>
  stop(): Promise<void>
}

/**
 * A primary, its replica (`replicas` of them) and three sentinels (quorum 2) that consider a
 * primary down after 1 s without an answer. Resolves once every replica is in sync and every
 * sentinel knows the replicas and the other two sentinels, so a failover can start at once.
 */
export async function startSentinelTopology(name = 'mymaster', { replicas: replicaCount = 1 }: { replicas?: number } = {}): Promise<SentinelTopology> {
  const dir = mkdtempSync(join(tmpdir(), 'hookyard-redis-sentinel-'))
  const started: Started[] = []
  try {
    const primaryPort = await findFreePort()
    const primary = await startNode(['--port', String(primaryPort), '--dir', dir, ...EPHEMERAL, ...PROMPT_FULL_SYNC], primaryPort)
    started.push(primary)
    const replicas: Started[] = []
    for (let i = 0; i < replicaCount; i++) {
      const replicaPort = await findFreePort()
      const replica = await startNode(['--port', String(replicaPort), '--dir', dir, '--replicaof', '127.0.0.1', String(primaryPort), ...EPHEMERAL, ...PROMPT_FULL_SYNC], replicaPort)
      started.push(replica)
      replicas.push(replica)
      await waitUntil(async () => /master_link_status:up/.test(String(await ask(replicaPort, 'INFO', 'replication'))), 10_000, 'the replica in sync')
    }

    const sentinels: Started[] = []
    for (let i = 0; i < 3; i++) {
      const port = await findFreePort()
      const conf = join(dir, `sentinel-${i}.conf`)
      writeFileSync(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor ${name} 127.0.0.1 ${primaryPort} 2`,
          `sentinel down-after-milliseconds ${name} 1000`,
          `sentinel failover-timeout ${name} 10000`,
          `sentinel parallel-syncs ${name} 1`,
          '',
        ].join('\n')
      )
      const sentinel = await startNode([conf, '--sentinel'], port)
      sentinels.push(sentinel)
      started.push(sentinel)
    }
    await waitUntil(
      async () => {
        for (const s of sentinels) {
          const known = (await ask(s.port, 'SENTINEL', 'REPLICAS', name)) as unknown[]
          const peers = (await ask(s.port, 'SENTINEL', 'SENTINELS', name)) as unknown[]
          if (known.length < replicaCount || peers.length < 2) return false
        }
        return true
      },
      20_000,
      'every sentinel to know the replica and the other sentinels'
    )
    return {
      name,
      primary,
      replica: replicas[0]!,
      replicas,
      sentinels,
      sentinelList: sentinels.map((s) => s.address).join(','),
      agreedPrimary: async () => {
        const named = await Promise.all(sentinels.map(async (s) => ((await ask(s.port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name).catch(() => null)) as string[] | null)?.join(':') ?? null))
        return named.every((n) => n !== null && n === named[0]) ? named[0]! : null
      },
      stop: () => stopAll(started, dir),
    }
  } catch (err) {
    await stopAll(started, dir)
    throw err
  }
}

export interface ClusterTopology {
  nodes: RedisNode[]
  /** `host:port,host:port,host:port` for REDIS_CLUSTER_NODES */
  nodeList: string
  /** `127.0.0.1:PORT` of the primary that holds the slot of `key` */
  nodeOf(key: string): Promise<string>
  stop(): Promise<void>
}

/** Three cluster primaries (no replicas) sharing the 16384 slots, made by `redis-cli --cluster create`. */
export async function startClusterTopology(): Promise<ClusterTopology> {
  const dir = mkdtempSync(join(tmpdir(), 'hookyard-redis-cluster-'))
  const started: Started[] = []
  try {
    for (let i = 0; i < 3; i++) {
      // the cluster bus gets a free port of its own: the default, port + 10000, may be taken or past 65535
      const [port, busPort] = [await findFreePort(), await findFreePort()]
      const nodeDir = join(dir, `node-${i}`)
      mkdirSync(nodeDir)
      const args = ['--port', String(port), '--cluster-enabled', 'yes', '--cluster-port', String(busPort), '--cluster-config-file', join(nodeDir, 'nodes.conf')]
      started.push(await startNode([...args, '--cluster-node-timeout', '2000', '--dir', nodeDir, ...EPHEMERAL], port))
    }
    await run('redis-cli', ['--cluster', 'create', ...started.map((n) => n.address), '--cluster-yes'])
    await waitUntil(
      async () => {
        for (const node of started) {
          if (!/cluster_state:ok/.test(String(await ask(node.port, 'CLUSTER', 'INFO')))) return false
        }
        return true
      },
      20_000,
      'every cluster node to report cluster_state:ok'
    )
    return {
      nodes: started,
      nodeList: started.map((n) => n.address).join(','),
      nodeOf: async (key) => {
        const slot = Number(await ask(started[0]!.port, 'CLUSTER', 'KEYSLOT', key))
        const ranges = (await ask(started[0]!.port, 'CLUSTER', 'SLOTS')) as [number, number, [string, number, ...unknown[]], ...unknown[]][]
        const range = ranges.find(([from, to]) => from <= slot && slot <= to)
        if (!range) throw new Error(`no node holds slot ${slot}`)
        return `${range[2][0]}:${range[2][1]}`
      },
      stop: () => stopAll(started, dir),
    }
  } catch (err) {
    await stopAll(started, dir)
    throw err
  }
}

async function stopAll(nodes: Started[], dir: string): Promise<void> {
  await Promise.all(nodes.map((n) => n.stop()))
  rmSync(dir, { recursive: true, force: true })
}

/**
 * The rules the Redis deployment tests run: GitHub pushes (secret `${SECRET}`) to one http
 * target at `targetUrl`, each delivery carrying the push's sha.
 */
export function pushToTargetRules(targetUrl: string): string {
  return writeRules({
    'hooks.yaml': `
sources:
  github: { type: github, secret: "\${SECRET}" }
targets:
  ci: { type: http, url: ${targetUrl} }
routes:
  - { name: pushes, source: github, to: ci, map: '{ "body": { "sha": push.sha } }' }
`,
  })
}
