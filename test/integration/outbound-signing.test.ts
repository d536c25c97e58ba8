import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminClient, type AdminClient } from '../helpers/admin-client.ts'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'

const TOKEN = 'generic-token-signing-42'
// 32 bytes, as `openssl rand -base64 32` makes them
const SIGNING_SECRET = 'whsec_' + Buffer.from('hookyard-signing-test-key-32byte').toString('base64')

const RULES = `
sources:
  app:
    type: generic
    secret: \${APP_TOKEN}
targets:
  receiver:
    type: http
    url: \${TARGET_URL}
    signing_secret: \${SIGNING_SECRET}
    retry: { attempts: 2, backoff: 1s, max_backoff: 1s }
routes:
  - name: everything
    source: app
    to: [receiver]
    map: '{ "body": { "n": body.n } }'
`

describe('http targets sign every attempt the Standard Webhooks way', () => {
  let receiver: CaptureServer
  let hy: TestHookyard
  let api: AdminClient

  beforeAll(async () => {
    receiver = await startCaptureServer()
    hy = await startTestHookyard({
      rules: { 'app.yaml': RULES },
      env: { APP_TOKEN: TOKEN, TARGET_URL: `${receiver.url}/hook`, SIGNING_SECRET },
    })
    api = adminClient(hy.url, hy.adminToken)
  })
  afterAll(async () => {
    await hy.stop()
    await receiver.close()
  })

  it('a retry keeps webhook-id and signs a fresh timestamp; a replay is a new message; the secret never shows', async () => {
    receiver.respondWith({ status: 503, body: 'not yet' })
    const res = await hy.post('app', JSON.stringify({ n: 7 }), { 'content-type': 'application/json', 'x-hookyard-token': TOKEN })
    expect(res.status).toBe(202)
    const deliveryId = ((await res.json()) as { deliveries: { id: string }[] }).deliveries[0]!.id
    await expect.poll(() => receiver.requests.length, { timeout: 10_000 }).toBe(2)

    // the reference implementation of the specification accepts both attempts
    const verifier = new Webhook(SIGNING_SECRET)
    const [first, second] = receiver.requests
    for (const request of [first!, second!]) {
      expect(request.headers['webhook-id']).toBe(deliveryId)
      expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/)
      expect(verifier.verify(request.body, request.headers)).toEqual({ n: 7 })
    }
    expect(Number(second!.headers['webhook-timestamp'])).toBeGreaterThanOrEqual(Number(first!.headers['webhook-timestamp']))
    // another key, or a body changed on the way, does not verify
    const stranger = new Webhook('whsec_' + Buffer.from('some-other-receiver-secret-32byt').toString('base64'))
    expect(() => stranger.verify(second!.body, second!.headers)).toThrow()
    expect(() => verifier.verify(second!.body.replace('7', '8'), second!.headers)).toThrow()

    const replay = await api.post<{ delivery: { id: string } }>(`/api/deliveries/${deliveryId}/replay`)
    expect(replay.status).toBe(202)
    await expect.poll(() => receiver.requests.length, { timeout: 10_000 }).toBe(3)
    const third = receiver.requests[2]!
    expect(third.headers['webhook-id']).toBe(replay.json.delivery.id)
    expect(third.headers['webhook-id']).not.toBe(deliveryId)
    expect(verifier.verify(third.body, third.headers)).toEqual({ n: 7 })

    for (const path of [`/api/deliveries/${deliveryId}`, '/api/targets', '/api/summary']) {
      expect((await api.get(path)).text).not.toContain(SIGNING_SECRET.slice(6))
    }
  })
})

describe('one hookyard relays to another: signed by the http target, verified by a standard-webhooks source', () => {
  let ci: CaptureServer
  let downstream: TestHookyard
  let upstream: TestHookyard

  beforeAll(async () => {
    ci = await startCaptureServer()
    downstream = await startTestHookyard({
      rules: {
        'relay.yaml': `
sources:
  upstream:
    type: standard-webhooks
    secret: \${SIGNING_SECRET}
targets:
  ci:
    type: http
    url: \${CI_URL}
routes:
  - name: builds
    source: upstream
    when: event = "build.requested"
    to: [ci]
    map: '{ "body": { "sha": body.data.sha } }'
`,
      },
      env: { SIGNING_SECRET, CI_URL: `${ci.url}/build` },
    })
    upstream = await startTestHookyard({
      rules: {
        'app.yaml': `
sources:
  app:
    type: generic
    secret: \${APP_TOKEN}
targets:
  downstream:
    type: http
    url: \${DOWNSTREAM_URL}
    signing_secret: \${SIGNING_SECRET}
routes:
  - name: forward
    source: app
    to: [downstream]
    map: '{ "body": { "type": "build.requested", "data": { "sha": body.sha } } }'
`,
      },
      env: { APP_TOKEN: TOKEN, SIGNING_SECRET, DOWNSTREAM_URL: `${downstream.url}/hooks/upstream` },
    })
  })
  afterAll(async () => {
    await upstream.stop()
    await downstream.stop()
    await ci.close()
  })

  it('the downstream accepts the signed delivery and triggers the build once', async () => {
    const res = await upstream.post('app', JSON.stringify({ sha: 'c0ffee1' }), { 'content-type': 'application/json', 'x-hookyard-token': TOKEN })
    expect(res.status).toBe(202)
    await expect.poll(() => ci.requests.length, { timeout: 10_000 }).toBe(1)
    expect(JSON.parse(ci.requests[0]!.body)).toEqual({ sha: 'c0ffee1' })

    // without a signature, or with one made without the secret: 401, nothing triggered
    const body = JSON.stringify({ type: 'build.requested', data: { sha: 'c0ffee1' } })
    const unsigned = await downstream.post('upstream', body, { 'content-type': 'application/json' })
    expect(unsigned.status).toBe(401)
    const forged = await downstream.post('upstream', body, {
      'content-type': 'application/json',
      'webhook-id': 'msg_forged',
      'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
      'webhook-signature': 'v1,' + Buffer.alloc(32).toString('base64'),
    })
    expect(forged.status).toBe(401)
    expect(ci.requests).toHaveLength(1)
  })
})
