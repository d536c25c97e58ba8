import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { githubBranchPush } from '../helpers/fixtures.ts'
import { githubHeaders } from '../helpers/sign.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'

const GH = 'ingress-log-lines-secret'

/** Every inbound webhook, accepted or refused, writes exactly one log line saying what became of it. */
describe('one log line per inbound webhook', () => {
  let hy: TestHookyard

  beforeAll(async () => {
    hy = await startTestHookyard({
      env: { GH, MAX_BODY_BYTES: '65536' },
      rules: {
        'r.yaml': `
sources:
  gh: { type: github, secret: "\${GH}" }
targets:
  ci: { type: http, url: "http://127.0.0.1:9/never" }
routes:
  - { name: none, source: gh, when: push.branch = "no-such-branch", to: ci }
`,
      },
    })
  })
  afterAll(async () => {
    await hy.stop()
  })

  /** The lines one request wrote: everything logged about `source` while it was answered. */
  async function linesOf(source: string, send: () => Promise<Response>): Promise<{ status: number; lines: Record<string, unknown>[] }> {
    const before = hy.logs.length
    const res = await send()
    await res.arrayBuffer()
    // pino writes synchronously to the destination, but let any line written after the answer arrive
    await new Promise((r) => setTimeout(r, 100))
    const lines = hy.logs
      .slice(before)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l['source'] === source)
    return { status: res.status, lines }
  }

  const signed = (body: string | Buffer, contentType = 'application/json') => () =>
    hy.post('gh', body, { ...githubHeaders(GH, 'push', body), 'content-type': contentType })

  const refusals: [name: string, source: string, send: () => Promise<Response>, status: number, code: string, reason: RegExp][] = [
    ['malformed JSON', 'gh', signed('{"ref": "refs/heads/main", '), 400, 'BODY_INVALID', /not valid JSON/],
    ['invalid UTF-8', 'gh', signed(Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0xff, 0x22, 0x7d])), 400, 'BODY_INVALID', /not valid UTF-8/],
    ['an XML body to a JSON source', 'gh', signed('<?xml version="1.0"?><push/>', 'application/xml'), 400, 'BODY_INVALID', /not valid JSON/],
    ['an unknown source', 'nope', () => hy.post('nope', '{}', { 'content-type': 'application/json' }), 404, 'SOURCE_UNKNOWN', /no source named "nope"/],
    ['a wrong signature', 'gh', () => hy.post('gh', '{}', githubHeaders('not-the-secret', 'push', '{}')), 401, 'SIGNATURE_MISMATCH', /./],
    ['a body over MAX_BODY_BYTES', 'gh', signed(JSON.stringify({ pad: 'x'.repeat(70_000) })), 413, 'BODY_TOO_LARGE', /exceeds the limit of 65536 bytes/],
  ]
  for (const [name, source, send, status, code, reason] of refusals) {
    it(`${name}: one "webhook rejected" line with the status and the reason`, async () => {
      const { status: answered, lines } = await linesOf(source, send)
      expect(answered).toBe(status)
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatchObject({ msg: 'webhook rejected', level: 40, source, status, code })
      expect(lines[0]!['reason']).toMatch(reason)
    })
  }

  it('an accepted event: one "event accepted" line, as before', async () => {
    const body = JSON.stringify(githubBranchPush())
    const { status, lines } = await linesOf('gh', signed(body))
    expect(status).toBe(200)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ msg: 'event accepted', source: 'gh', deliveries: 0 })
  })
})
