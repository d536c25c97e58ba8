import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDeliveryLog } from '../../src/store/delivery-log.ts'
import { storeKeys } from '../helpers/store-keys.ts'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { githubBranchPush } from '../helpers/fixtures.ts'
import { githubHeaders } from '../helpers/sign.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'

const SECRET = 'supersede-test-secret-0001'

describe('supersede without a concurrency cap', () => {
  let flaky: CaptureServer
  let cooled: CaptureServer
  let hy: TestHookyard

  beforeAll(async () => {
    ;[flaky, cooled] = await Promise.all([startCaptureServer(), startCaptureServer()])
    hy = await startTestHookyard({
      env: { SECRET },
      rules: {
        'rules.yaml': `
sources:
  github: { type: github, secret: "\${SECRET}" }
targets:
  flaky:
    type: http
    url: ${flaky.url}/build
    supersede: true
    retry: { attempts: 3, backoff: 1500ms, max_backoff: 1500ms }
  cooled:
    type: http
    url: ${cooled.url}/build
    supersede: true
    cooldown: 2s
routes:
  - { name: flaky, source: github, when: 'push.branch = "flaky"', to: flaky, map: '{ "body": { "sha": push.sha } }' }
  - { name: cooled, source: github, when: 'push.branch = "cooled"', to: cooled, map: '{ "body": { "sha": push.sha } }' }
`,
      },
    })
  }, 30_000)

  afterAll(async () => {
    await hy?.stop()
    await Promise.all([flaky, cooled].map((s) => s?.close()))
  })

  const send = async (sha: string, branch: string): Promise<string> => {
    const payload = githubBranchPush()
    payload['after'] = sha
    payload['ref'] = `refs/heads/${branch}`
    const body = JSON.stringify(payload)
    const res = await hy.post('github', body, githubHeaders(SECRET, 'push', body))
    expect(res.status).toBe(202)
    return ((await res.json()) as { deliveries: { id: string }[] }).deliveries[0]!.id
  }
  const log = () => createDeliveryLog(hy.redis, storeKeys(hy.prefix), 3600_000)

  it('a delivery waiting in its retry backoff is superseded by a newer one for the key', async () => {
    flaky.respondWith({ status: 503 })
    const first = await send('a'.repeat(40), 'flaky')
    await expect.poll(async () => (await log().getDelivery(first))?.status, { timeout: 10_000 }).toBe('retrying')
    const second = await send('b'.repeat(40), 'flaky')
    await expect.poll(async () => (await log().getDelivery(second))?.status, { timeout: 10_000 }).toBe('delivered')
    expect(await log().getDelivery(first)).toMatchObject({ status: 'superseded', superseded_by: second })
    // the older job's retry finds nothing newer to send
    await new Promise((r) => setTimeout(r, 2500))
    expect(flaky.requests.map((r) => r.headers['x-hookyard-delivery'])).toEqual([first, second])
  }, 30_000)

  it('with a cooldown, folded deliveries are recorded as superseded (not coalesced)', async () => {
    const ids = [await send('1'.repeat(40), 'cooled')]
    await expect.poll(() => cooled.requests.length, { timeout: 10_000 }).toBe(1)
    ids.push(await send('2'.repeat(40), 'cooled'), await send('3'.repeat(40), 'cooled'))
    await expect.poll(async () => (await Promise.all(ids.map((id) => log().getDelivery(id)))).map((d) => d?.status), { timeout: 10_000 }).toEqual([
      'delivered',
      'superseded',
      'delivered',
    ])
    expect(cooled.requests.at(-1)!.at - cooled.requests[0]!.at).toBeGreaterThanOrEqual(1900)
    expect(cooled.requests).toHaveLength(2)
  }, 30_000)
})
