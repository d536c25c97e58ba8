import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { connectionPlan } from '../../src/compose/redis-options.ts'
import { loadConfig } from '../../src/config.ts'
import { ConfigError } from '../../src/errors.ts'

function issues(env: Record<string, string>): string[] {
  try {
    loadConfig(env)
  } catch (err) {
    if (err instanceof ConfigError) return err.issues
    throw err
  }
  throw new Error('expected a ConfigError')
}

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'

function tempFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'hookyard-config-')), name)
  writeFileSync(path, text)
  return path
}

const SENTINELS = 's1:26379,10.0.0.2:26380,[::1]:26381'

describe('the Redis deployment in the configuration', () => {
  it('is the embedded server without any REDIS_ variable, one server with REDIS_URL', () => {
    expect(loadConfig({}).redis).toEqual({ mode: 'embedded' })
    expect(loadConfig({ REDIS_URL: 'redis://r:6379' }).redis).toEqual({ mode: 'standalone', url: 'redis://r:6379', tls: null })
    expect(loadConfig({ REDIS_URL: 'rediss://r:6380' }).redis).toEqual({ mode: 'standalone', url: 'rediss://r:6380', tls: { ca: null } })
  })

  it('reads the CA file of a TLS URL at load time', () => {
    const ca = tempFile('ca.pem', PEM)
    expect(loadConfig({ REDIS_URL: 'rediss://r:6380', REDIS_TLS_CA_FILE: ca }).redis).toMatchObject({ mode: 'standalone', tls: { ca: PEM } })
  })

  it('refuses an unreadable CA file or one without a certificate, naming the file', () => {
    const missing = join(tmpdir(), 'no-such-dir-hookyard', 'ca.pem')
    expect(issues({ REDIS_URL: 'rediss://r:6380', REDIS_TLS_CA_FILE: missing })).toEqual([expect.stringMatching(new RegExp(`^REDIS_TLS_CA_FILE: cannot read ${missing}: ENOENT`))])
    const notPem = tempFile('ca.txt', 'hello')
    expect(issues({ REDIS_URL: 'rediss://r:6380', REDIS_TLS_CA_FILE: notPem })).toEqual([`REDIS_TLS_CA_FILE: ${notPem} holds no PEM certificate (a -----BEGIN CERTIFICATE----- block)`])
  })

  it('refuses a CA file without TLS', () => {
    const ca = tempFile('ca.pem', PEM)
    const message = 'REDIS_TLS_CA_FILE: set, but the connection is not TLS: write REDIS_URL as rediss://... (with a list of nodes, REDIS_URL=rediss:// alone)'
    expect(issues({ REDIS_URL: 'redis://r:6379', REDIS_TLS_CA_FILE: ca })).toEqual([message])
    expect(issues({ REDIS_TLS_CA_FILE: ca })).toEqual([message])
    expect(issues({ REDIS_CLUSTER_NODES: 'a:1', REDIS_TLS_CA_FILE: ca })).toEqual([message])
  })

  it('takes sentinels with their name, and credentials and TLS from a host-less REDIS_URL', () => {
    expect(loadConfig({ REDIS_SENTINELS: SENTINELS, REDIS_SENTINEL_NAME: 'mymaster' }).redis).toEqual({
      mode: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: '10.0.0.2', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      name: 'mymaster',
      sentinelPassword: null,
      auth: { username: null, password: null },
      tls: null,
    })
    const ca = tempFile('ca.pem', PEM)
    const env = { REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'm', REDIS_SENTINEL_PASSWORD: 'sp', REDIS_URL: 'rediss://app:p%40ss@', REDIS_TLS_CA_FILE: ca }
    expect(loadConfig(env).redis).toMatchObject({ sentinelPassword: 'sp', auth: { username: 'app', password: 'p@ss' }, tls: { ca: PEM } })
    expect(loadConfig({ REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'm', REDIS_URL: 'redis://:secret@' }).redis).toMatchObject({
      auth: { username: null, password: 'secret' },
      tls: null,
    })
  })

  it('takes cluster nodes', () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'a:7000, b:7001', REDIS_URL: 'rediss://' }).redis).toEqual({
      mode: 'cluster',
      nodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7001 },
      ],
      auth: { username: null, password: null },
      tls: { ca: null },
    })
  })

  it('refuses sentinels without their name, and the sentinel variables without sentinels', () => {
    expect(issues({ REDIS_SENTINELS: 's1:26379' })).toEqual([
      'REDIS_SENTINEL_NAME: required with REDIS_SENTINELS: the name the sentinels monitor the primary under (`sentinel monitor NAME ...`, often mymaster)',
    ])
    expect(issues({ REDIS_SENTINEL_NAME: 'mymaster' })).toEqual(['REDIS_SENTINEL_NAME: set without REDIS_SENTINELS: list the sentinels too (REDIS_SENTINELS=host:port,host:port)'])
    expect(issues({ REDIS_URL: 'redis://r:6379', REDIS_SENTINEL_PASSWORD: 'x' })).toEqual([
      'REDIS_SENTINEL_PASSWORD: set without REDIS_SENTINELS: it is the password of the sentinels themselves',
    ])
  })

  it('refuses sentinels together with cluster nodes', () => {
    expect(issues({ REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'm', REDIS_CLUSTER_NODES: 'a:7000' })).toEqual([
      'REDIS_SENTINELS: set together with REDIS_CLUSTER_NODES: a Redis is either watched by sentinels or a cluster; set one of them',
    ])
  })

  it('refuses a REDIS_URL that names a server beside a list of nodes', () => {
    const message = (listed: string): string =>
      `REDIS_URL: names a server, but ${listed} lists the nodes: beside ${listed}, REDIS_URL may carry only TLS and credentials, ` +
      'with no host, port or database: rediss://:PASSWORD@ or rediss://USER:PASSWORD@ (or unset it)'
    expect(issues({ REDIS_CLUSTER_NODES: 'a:7000', REDIS_URL: 'redis://a:7000' })).toEqual([message('REDIS_CLUSTER_NODES')])
    expect(issues({ REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'm', REDIS_URL: 'rediss://:pw@primary' })).toEqual([message('REDIS_SENTINELS')])
    expect(issues({ REDIS_CLUSTER_NODES: 'a:7000', REDIS_URL: 'redis:///2' })).toEqual([message('REDIS_CLUSTER_NODES')])
  })

  it('refuses list items that are not host:port, each named', () => {
    expect(issues({ REDIS_CLUSTER_NODES: 'a:7000,b,c:99999,d:x' })).toEqual(
      ['"b"', '"c:99999"', '"d:x"'].map((item) => `REDIS_CLUSTER_NODES: ${item} is not host:port: write a comma-separated list such as redis-1:6379,redis-2:6379,redis-3:6379`)
    )
    expect(issues({ REDIS_SENTINELS: 'redis://s1:26379', REDIS_SENTINEL_NAME: 'm' })).toEqual([
      'REDIS_SENTINELS: "redis://s1:26379" is not host:port: write a comma-separated list such as sentinel-1:26379,sentinel-2:26379,sentinel-3:26379',
    ])
    expect(issues({ REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'my master' })).toEqual([
      'REDIS_SENTINEL_NAME: must be one word, the name the sentinels monitor (e.g. mymaster)',
    ])
  })

  it('lets HOOKYARD_REQUIRE_REDIS_URL=1 be satisfied by any of the three forms, and not by none', () => {
    const required = { HOOKYARD_REQUIRE_REDIS_URL: '1' }
    expect(loadConfig({ ...required, REDIS_URL: 'redis://r:6379' }).redis.mode).toBe('standalone')
    expect(loadConfig({ ...required, REDIS_SENTINELS: 's:26379', REDIS_SENTINEL_NAME: 'm' }).redis.mode).toBe('sentinel')
    expect(loadConfig({ ...required, REDIS_CLUSTER_NODES: 'a:7000' }).redis.mode).toBe('cluster')
    expect(issues(required)[0]).toMatch(/^REDIS_URL: required here \(HOOKYARD_REQUIRE_REDIS_URL=1.*or REDIS_SENTINELS with REDIS_SENTINEL_NAME, or REDIS_CLUSTER_NODES$/)
  })
})

describe('REDIS_WAIT_REPLICAS and REDIS_WAIT_TIMEOUT', () => {
  const sentinels = { REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'm' }

  it('is off by default, and waits 2 s for the replicas asked for unless told otherwise', () => {
    expect(loadConfig({}).redisWait).toBeNull()
    expect(loadConfig({ ...sentinels, REDIS_WAIT_REPLICAS: '0' }).redisWait).toBeNull()
    expect(loadConfig({ ...sentinels, REDIS_WAIT_REPLICAS: '1' }).redisWait).toEqual({ replicas: 1, timeoutMs: 2_000 })
    expect(loadConfig({ REDIS_URL: 'redis://r:6379', REDIS_WAIT_REPLICAS: '2', REDIS_WAIT_TIMEOUT: '500ms' }).redisWait).toEqual({ replicas: 2, timeoutMs: 500 })
  })

  it('refuses a count or timeout that is not one, naming the variable', () => {
    expect(issues({ ...sentinels, REDIS_WAIT_REPLICAS: '-1' })).toEqual(['REDIS_WAIT_REPLICAS: must be a whole number'])
    expect(issues({ ...sentinels, REDIS_WAIT_REPLICAS: 'one' })).toEqual(['REDIS_WAIT_REPLICAS: must be a whole number'])
    expect(issues({ ...sentinels, REDIS_WAIT_REPLICAS: '1', REDIS_WAIT_TIMEOUT: '0' })).toEqual(['REDIS_WAIT_TIMEOUT: must be longer than 0'])
    expect(issues({ ...sentinels, REDIS_WAIT_REPLICAS: '1', REDIS_WAIT_TIMEOUT: '2m' })).toEqual(['REDIS_WAIT_TIMEOUT: must be at most 1m'])
    expect(issues({ ...sentinels, REDIS_WAIT_REPLICAS: '1', REDIS_WAIT_TIMEOUT: 'soon' })[0]).toMatch(/^REDIS_WAIT_TIMEOUT: invalid duration "soon"/)
  })

  it('refuses a wait no Redis here could satisfy, and a timeout without a wait', () => {
    expect(issues({ REDIS_WAIT_REPLICAS: '1' })).toEqual([
      'REDIS_WAIT_REPLICAS: set, but the embedded redis-server has no replicas and every webhook would be refused: point hookyard at a primary with replicas (REDIS_URL or REDIS_SENTINELS), or unset REDIS_WAIT_REPLICAS',
    ])
    expect(issues({ REDIS_CLUSTER_NODES: 'a:7000', REDIS_WAIT_REPLICAS: '1' })).toEqual([
      'REDIS_WAIT_REPLICAS: not supported with REDIS_CLUSTER_NODES yet: use it with REDIS_URL or REDIS_SENTINELS, or unset it',
    ])
    expect(issues({ ...sentinels, REDIS_WAIT_TIMEOUT: '1s' })).toEqual([
      'REDIS_WAIT_TIMEOUT: set without REDIS_WAIT_REPLICAS: it is how long an acknowledgement waits for the replicas; set REDIS_WAIT_REPLICAS=1 (or more) too, or unset it',
    ])
  })
})

describe('the connection options of each role', () => {
  it('ingest fails fast and workers wait, in every form', () => {
    const sentinel = loadConfig({ REDIS_SENTINELS: 's:26379', REDIS_SENTINEL_NAME: 'm', REDIS_URL: 'redis://:pw@' }).redis
    expect(connectionPlan(sentinel, 'producer', null)).toMatchObject({
      kind: 'redis',
      url: null,
      options: { sentinels: [{ host: 's', port: 26379 }], name: 'm', password: 'pw', enableOfflineQueue: false, maxRetriesPerRequest: 1, failoverDetector: true },
    })
    expect(connectionPlan(sentinel, 'worker', null).options).toMatchObject({ maxRetriesPerRequest: null })
    const cluster = loadConfig({ REDIS_CLUSTER_NODES: 'a:7000' }).redis
    expect(connectionPlan(cluster, 'producer', null)).toEqual({
      kind: 'cluster',
      nodes: [{ host: 'a', port: 7000 }],
      options: { enableOfflineQueue: false, enableAutoPipelining: false, redisOptions: { maxRetriesPerRequest: 1 } },
    })
    expect(connectionPlan(cluster, 'worker', null)).toMatchObject({ options: { redisOptions: { maxRetriesPerRequest: null } } })
    expect(connectionPlan({ mode: 'embedded' }, 'producer', 'redis://127.0.0.1:1234')).toMatchObject({ kind: 'redis', url: 'redis://127.0.0.1:1234' })
  })

  it('a sentinel connection reconnects on READONLY (a demoted primary); a worker sends the command again', () => {
    const sentinel = loadConfig({ REDIS_SENTINELS: 's:26379', REDIS_SENTINEL_NAME: 'm' }).redis
    const readonly = new Error("READONLY You can't write against a read only replica.")
    const producer = connectionPlan(sentinel, 'producer', null).options as { reconnectOnError: (err: Error) => unknown }
    const worker = connectionPlan(sentinel, 'worker', null).options as { reconnectOnError: (err: Error) => unknown }
    expect([producer.reconnectOnError(readonly), worker.reconnectOnError(readonly), worker.reconnectOnError(new Error('ERR other'))]).toEqual([1, 2, false])
  })

  it('TLS with a private CA reaches the sentinels and the data nodes alike', () => {
    const ca = tempFile('ca.pem', PEM)
    const sentinel = loadConfig({ REDIS_SENTINELS: 's:26379', REDIS_SENTINEL_NAME: 'm', REDIS_URL: 'rediss://', REDIS_TLS_CA_FILE: ca }).redis
    expect(connectionPlan(sentinel, 'worker', null).options).toMatchObject({ tls: { ca: PEM }, sentinelTLS: { ca: PEM }, enableTLSForSentinelMode: true })
    const cluster = loadConfig({ REDIS_CLUSTER_NODES: 'a:7000', REDIS_URL: 'rediss://', REDIS_TLS_CA_FILE: ca }).redis
    expect(connectionPlan(cluster, 'worker', null)).toMatchObject({ options: { redisOptions: { tls: { ca: PEM } } } })
    const single = loadConfig({ REDIS_URL: 'rediss://r:6380', REDIS_TLS_CA_FILE: ca }).redis
    expect(connectionPlan(single, 'producer', null)).toMatchObject({ url: 'rediss://r:6380', options: { tls: { ca: PEM } } })
  })
})
