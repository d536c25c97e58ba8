import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { tokenHeaders } from '../helpers/sign.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'

const TOKEN = 'cooldown-backlog-token'
const COOLDOWN_MS = 1_500
// a dozen, not three: the more of a backlog there is to queue, the surer a worker that is already
// waiting wakes while part of it is not yet recorded (with three it only sometimes did)
const VERSIONS = Array.from({ length: 12 }, (_, i) => `1.0.${i + 1}`)

function promoted(version: string): string {
  return JSON.stringify({ package: 'MyCorp.CoolUtils', version, event: 'Promoted', user: 'API', feed: 'internal-utils' })
}

/**
 * Events that pile up while no worker runs (an ingest-only process, workers down or not yet
 * started) all arrived before any window opened: when a worker comes, they are one window's
 * worth and only the newest is sent.
 */
describe('a cooldown backlog queued while no worker runs', () => {
  let feed: CaptureServer
  let ingest: TestHookyard
  let worker: TestHookyard | undefined

  const rules = (): Record<string, string> => ({
    'r.yaml': `
sources:
  proget: { type: proget, secret: "\${TOKEN}" }
targets:
  myget-feed:
    type: myget
    url: ${feed.url}/BuildSource/Hook/feed?identifier=abc
    cooldown: ${COOLDOWN_MS}ms
routes:
  - name: packages
    source: proget
    to: myget-feed
`,
  })

  beforeAll(async () => {
    feed = await startCaptureServer()
    ingest = await startTestHookyard({ rules: rules(), env: { TOKEN, HOOKYARD_ROLE: 'ingest' } })
  })
  afterAll(async () => {
    await worker?.stop()
    await ingest.stop()
    await feed.close()
  })

  it('sends one delivery, of the newest event, once a worker starts', async () => {
    for (const version of VERSIONS) {
      const res = await ingest.post('proget', promoted(version), tokenHeaders(TOKEN))
      expect(res.status).toBe(202)
    }
    worker = await startTestHookyard({ rules: rules(), env: { TOKEN, HOOKYARD_ROLE: 'worker', HOOKYARD_PREFIX: ingest.prefix } })
    await expect.poll(() => feed.requests.length, { timeout: 10_000 }).toBe(1)
    expect((JSON.parse(feed.requests[0]!.body) as { version: string }).version).toBe(VERSIONS.at(-1))
    // a second send would come when the first window ends: wait past it
    await new Promise((r) => setTimeout(r, COOLDOWN_MS + 1_500))
    expect(feed.requests.map((r) => (JSON.parse(r.body) as { version: string }).version)).toEqual([VERSIONS.at(-1)])
  })
})
