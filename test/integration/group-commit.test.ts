/**
 * Group commit: concurrent webhooks are stored by shared script calls. Each request must still get
 * its own answer, every accepted event must be stored with its body and delivered exactly once, and
 * a sender delivery id repeated within one batch must be one event, the others duplicates of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { takeBody } from '../../src/store/stored-body.ts'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { githubBranchPush } from '../helpers/fixtures.ts'
import { githubHeaders } from '../helpers/sign.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'
import { waitUntil } from '../helpers/wait-until.ts'

const SECRET = 'group-commit-secret'

describe('group commit of concurrent webhooks', () => {
  let target: CaptureServer
  let hy: TestHookyard

  beforeAll(async () => {
    target = await startCaptureServer()
    hy = await startTestHookyard({
      env: { SECRET },
      rules: {
        'r.yaml': `
sources:
  github: { type: github, secret: "\${SECRET}" }
targets:
  ci: { type: http, url: ${target.url}/build }
routes:
  - name: pushes
    source: github
    to: ci
    map: '{ "body": { "n": body.n, "sha": push.sha } }'
`,
      },
    })
  })
  afterAll(async () => {
    await hy.stop()
    await target.close()
  })

  const push = (n: number): string => JSON.stringify({ ...githubBranchPush(), n })

  it('answers, stores and delivers each of 60 concurrent events on its own', async () => {
    const bodies = Array.from({ length: 60 }, (_, i) => push(i))
    const answers = await Promise.all(
      bodies.map(async (body) => {
        const res = await hy.post('github', body, githubHeaders(SECRET, 'push', body))
        return { status: res.status, body: (await res.json()) as { event: string; deliveries: { id: string }[] } }
      })
    )
    expect(answers.map((a) => a.status)).toEqual(bodies.map(() => 202))
    const events = answers.map((a) => a.body.event)
    expect(new Set(events).size).toBe(60)

    // each event holds its own body, byte for byte
    for (const [i, event] of events.entries()) {
      const stored = takeBody(await hy.redis.hgetallBuffer(`{${hy.prefix}}:event:${event}`))
      expect(stored?.toString('utf8')).toBe(bodies[i])
    }

    await waitUntil(() => target.requests.length >= 60, 20_000, '60 deliveries')
    const delivered = target.requests.map((r) => (JSON.parse(r.body) as { n: number }).n).sort((a, b) => a - b)
    expect(delivered).toEqual(bodies.map((_, i) => i))
    const ids = target.requests.map((r) => r.headers['x-hookyard-delivery'])
    expect(ids.sort()).toEqual(answers.map((a) => a.body.deliveries[0]?.id).sort())
  })

  it('stores a delivery id sent several times at once as one event; the others are its duplicates', async () => {
    const body = push(1000)
    const headers = githubHeaders(SECRET, 'push', body, { delivery: 'same-delivery-sent-five-times' })
    const before = target.requests.length
    const answers = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const res = await hy.post('github', body, headers)
        return { status: res.status, body: (await res.json()) as { event: string; duplicate?: boolean } }
      })
    )
    const stored = answers.filter((a) => a.status === 202)
    const duplicates = answers.filter((a) => a.status === 200)
    expect(stored).toHaveLength(1)
    expect(duplicates).toHaveLength(4)
    for (const d of duplicates) {
      expect(d.body).toEqual({ event: stored[0]?.body.event, duplicate: true })
    }
    await waitUntil(() => target.requests.length > before, 10_000, 'the one delivery')
    // a later event proves the queue moved on: the duplicates queued nothing
    const later = push(1001)
    await hy.post('github', later, githubHeaders(SECRET, 'push', later))
    await waitUntil(() => target.requests.length >= before + 2, 10_000, 'the later delivery')
    const sent = target.requests.slice(before).map((r) => (JSON.parse(r.body) as { n: number }).n)
    expect(sent).toEqual([1000, 1001])
  })
})
