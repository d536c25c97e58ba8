/**
 * A signed webhook whose mapped path hides a traversal in percent-encoding (`a%2F..%2F..%2Fadmin`,
 * `%252e%252e`, `..;`, `%00`, ...) fails its delivery at once with a message naming the segment
 * and why, and the target receives nothing outside the configured base path, even read the way a
 * target that decodes before normalising reads it.
 */
import { readFileSync } from 'node:fs'
import { posix } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminClient, type AdminClient, type DeliveryDetail } from '../helpers/admin-client.ts'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { githubHeaders } from '../helpers/sign.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'

const GH = 'github-secret-for-path-segment-tests'

const TRAVERSAL: { path: string; refused: string }[] = JSON.parse(
  readFileSync(new URL('../fixtures/hostile/paths/traversal.json', import.meta.url), 'utf8')
)

const RULES = `
sources:
  gh: { type: github, secret: "\${GH}" }
targets:
  ci: { type: http, url: "\${CI_URL}/hooks/", retry: { attempts: 2, backoff: 100ms, max_backoff: 200ms } }
routes:
  - name: forward
    source: gh
    to: ci
    map: '{ "path": body.path, "body": { "n": body.n } }'
`

interface Accepted {
  deliveries: { id: string; route: string; target: string; status: 'queued' | 'failed'; error?: string }[]
}

/** The path as the most eager target sees it: percent-decoded until nothing changes, then normalised. */
function decodedAndNormalised(url: string): string {
  let path = new URL(url, 'http://target.invalid').pathname
  for (;;) {
    const next = path.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    if (next === path) break
    path = next
  }
  // "..;" counts as "..", "\" as "/" at the servers that read them so
  return posix.normalize(path.replace(/\\/g, '/').replace(/;[^/]*/g, ''))
}

describe('percent-encoded traversal in a mapped path', () => {
  let ci: CaptureServer
  let hy: TestHookyard
  let api: AdminClient
  let n = 0

  beforeAll(async () => {
    ci = await startCaptureServer()
    hy = await startTestHookyard({ rules: { 'paths.yaml': RULES }, env: { GH, CI_URL: ci.url } })
    api = adminClient(hy.url, hy.adminToken)
  })
  afterAll(async () => {
    await hy?.stop()
    await ci?.close()
  })

  async function send(path: string): Promise<Accepted['deliveries'][number]> {
    const body = JSON.stringify({ path, n: ++n })
    const res = await hy.post('gh', body, githubHeaders(GH, 'push', body))
    expect(res.status).toBe(202)
    const { deliveries } = (await res.json()) as Accepted
    expect(deliveries).toHaveLength(1)
    return deliveries[0]!
  }

  it('fails each delivery at once, naming the segment and why, and the target gets nothing outside its base path', async () => {
    const sent = await Promise.all(TRAVERSAL.map(async (attack) => ({ attack, delivery: await send(attack.path) })))
    for (const { attack, delivery } of sent) {
      expect(delivery, attack.path).toMatchObject({ route: 'forward', target: 'ci', status: 'failed' })
      expect(delivery.error).toContain(`route forward, target ci: http: path ${JSON.stringify(attack.path)} is refused: segment "`)
      expect(delivery.error).toContain(attack.refused)
    }

    // an ordinary path on the same route is delivered, so the target was reachable all along
    const ordinary = await send('builds/42')
    expect(ordinary.status).toBe('queued')
    await expect.poll(() => ci.requests.length, { timeout: 10_000 }).toBe(1)
    expect(ci.requests[0]!.url).toBe('/hooks/builds/42')

    // the refused deliveries are stored as failed, with the same message and no attempt
    const a = sent.find((s) => s.attack.path === 'a%2F..%2F..%2Fadmin')!.delivery
    const detail = (await api.get<DeliveryDetail>(`/api/deliveries/${a.id}`)).json
    expect(detail.delivery).toMatchObject({
      status: 'failed',
      error:
        'route forward, target ci: http: path "a%2F..%2F..%2Fadmin" is refused: ' +
        'segment "a%2F..%2F..%2Fadmin" decodes to "a/../../admin": an encoded "/" inside a segment is not allowed',
    })
    expect(detail.attempts).toEqual([])

    for (const request of ci.requests) {
      expect(decodedAndNormalised(request.url).startsWith('/hooks/'), request.url).toBe(true)
    }
    const refusedIds = new Set(sent.map((s) => s.delivery.id))
    expect(ci.requests.filter((r) => refusedIds.has(r.headers['x-hookyard-delivery'] ?? ''))).toEqual([])
  })
})
