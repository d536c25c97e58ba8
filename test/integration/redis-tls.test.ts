/**
 * `hookyard serve` on a Redis that speaks TLS only, its certificate signed by a private CA made at
 * test time: with REDIS_TLS_CA_FILE it delivers, without it the start fails at once and says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { githubBranchPush } from '../helpers/fixtures.ts'
import { startHookyardProcess } from '../helpers/hookyard-process.ts'
import { runCli } from '../helpers/run-cli.ts'
import { pushToTargetRules, startTlsRedis, type TlsRedis } from '../helpers/redis-topologies.ts'
import { githubHeaders } from '../helpers/sign.ts'

const SECRET = 'github-secret-for-redis-tls'

let redis: TlsRedis
let target: CaptureServer
let rulesDir: string

beforeAll(async () => {
  ;[redis, target] = await Promise.all([startTlsRedis(), startCaptureServer()])
  rulesDir = pushToTargetRules(`${target.url}/ci`)
})

afterAll(async () => {
  await redis?.stop()
  await target?.close()
})

describe('Redis over TLS (rediss://)', () => {
  it('with the private CA: a signed push is accepted and delivered, and /readyz says tls', async () => {
    const hy = await startHookyardProcess('all', { REDIS_URL: redis.url, REDIS_TLS_CA_FILE: redis.caFile, RULES_DIR: rulesDir, SECRET })
    try {
      const push = githubBranchPush()
      const body = JSON.stringify(push)
      const res = await fetch(`${hy.url}/hooks/github`, { method: 'POST', body, headers: githubHeaders(SECRET, 'push', body) })
      expect(res.status).toBe(202)
      await expect.poll(() => target.requests.length, { timeout: 15_000 }).toBe(1)
      expect(JSON.parse(target.requests[0]!.body)).toEqual({ sha: push['after'] })

      const ready = await fetch(`${hy.url}/readyz`)
      expect(ready.status).toBe(200)
      expect(await ready.json()).toMatchObject({ status: 'ready', redis: 'ok', redis_deployment: { mode: 'tls', tls: true, primary: redis.url.replace('rediss://', '') } })
    } finally {
      await hy.stop()
    }
  })

  it("without the CA file: the start fails at once, saying the certificate is not trusted and what to set", async () => {
    const started = Date.now()
    const result = await runCli(['serve', '--port', '0'], { REDIS_URL: redis.url, RULES_DIR: rulesDir, SECRET, HOST: '127.0.0.1' })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`hookyard: cannot connect to Redis at ${redis.url} over TLS: self-signed certificate in certificate chain (SELF_SIGNED_CERT_IN_CHAIN)`)
    expect(result.stderr).toContain('set REDIS_TLS_CA_FILE to its PEM file')
    expect(Date.now() - started).toBeLessThan(10_000) // not the 30 s wait for an unreachable Redis
  })

  it('an unreadable CA file exits 78 naming the file', async () => {
    const result = await runCli(['serve', '--port', '0'], { REDIS_URL: redis.url, REDIS_TLS_CA_FILE: `${redis.caFile}.missing`, RULES_DIR: rulesDir, SECRET })
    expect(result.code).toBe(78)
    expect(result.stderr).toContain(`REDIS_TLS_CA_FILE: cannot read ${redis.caFile}.missing: ENOENT`)
  })
})
