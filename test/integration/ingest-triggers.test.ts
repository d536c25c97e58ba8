import { randomUUID } from 'node:crypto'
import { Writable } from 'node:stream'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { closeOpened, type Closer } from '../../src/compose/closer.ts'
import { startIngestSide, type IngestSide } from '../../src/compose/start-ingest-side.ts'
import { loadConfig } from '../../src/config.ts'
import { createDeliveryLog, type DeliveryLog } from '../../src/store/delivery-log.ts'
import { HookyardError } from '../../src/errors.ts'
import type { IngestPipeline } from '../../src/ingest/ingest-pipeline.ts'
import { createLogger } from '../../src/logger.ts'
import { buildRuleSet } from '../../src/rules/build-rule-set.ts'
import type { RuleSet } from '../../src/rules/types.ts'
import type { InboundRequest } from '../../src/sources/types.ts'
import { githubBranchPush, githubPing } from '../helpers/fixtures.ts'
import { githubHeaders } from '../helpers/sign.ts'

const SECRET = 'gh-ingest-triggers-secret'

const RULES = `
sources:
  gh: { type: github, secret: "\${SECRET}" }
  nightly: { type: schedule, cron: "0 3 * * *", body: { reason: nightly } }
targets:
  ci: { type: http, url: "http://127.0.0.1:9/build" }
routes:
  - { name: gh-push, source: gh, when: 'event = "push"', to: [ci] }
  - { name: nightly-build, source: nightly, to: [ci] }
`

const rulesWith = (text: string): RuleSet => buildRuleSet([{ path: 'rules/triggers.yaml', text }], { env: { SECRET } })

/** Every trigger kind through the one ingest function, against the test run's real Redis. */
describe('ingest: webhook, schedule tick, manual run and re-run through one path', () => {
  let redis: Redis
  let side: IngestSide
  let pipeline: IngestPipeline
  let events: DeliveryLog
  let ruleSet = rulesWith(RULES)
  const opened: Closer[] = []
  const logs: Record<string, unknown>[] = []
  const linesSaying = (msg: string) => logs.filter((l) => l['msg'] === msg)

  beforeAll(() => {
    const config = loadConfig({ REDIS_URL: inject('redisUrl'), HOOKYARD_PREFIX: `ing${randomUUID().slice(0, 8)}` })
    redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 1 })
    opened.push(() => redis.disconnect())
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>)
        done()
      },
    })
    const logger = createLogger({ level: 'info', destination })
    side = startIngestSide({ config, redis, rules: () => ruleSet, userAgent: 'hookyard/0.0.0-test', logger, opened })
    pipeline = side.pipelineFor('test')
    events = createDeliveryLog(redis, side.keys, config.retentionMs)
  })
  afterAll(async () => {
    await closeOpened(opened)
  })

  const push = (delivery: string): InboundRequest => {
    const body = JSON.stringify(githubBranchPush())
    return { method: 'POST', headers: githubHeaders(SECRET, 'push', body, { delivery }), query: {}, rawBody: Buffer.from(body) }
  }

  it('a webhook is verified, stored with its routing and logged; the same delivery again is a duplicate', async () => {
    const delivery = randomUUID()
    const first = await pipeline.ingest({ kind: 'webhook', source: 'gh', request: push(delivery) })
    expect(first.kind).toBe('stored')
    if (first.kind !== 'stored') return
    expect(first.plan.routes).toEqual([expect.objectContaining({ route: 'gh-push', status: 'matched' })])
    expect(first.plan.deliveries).toHaveLength(1)
    const stored = await events.getEvent(first.eventId)
    expect(stored).toMatchObject({ id: first.eventId, source: 'gh', event: 'push', delivery, deliveries: [first.plan.deliveries[0]!.id] })
    expect(stored?.rerun_of).toBeUndefined()
    expect(linesSaying('event accepted')).toContainEqual(
      expect.objectContaining({ component: 'test', source: 'gh', event_id: first.eventId, event: 'push', sender_delivery: delivery, deliveries: 1, matched: ['gh-push'] })
    )

    const again = await pipeline.ingest({ kind: 'webhook', source: 'gh', request: push(delivery) })
    expect(again).toEqual({ kind: 'duplicate', eventId: first.eventId })
    expect(linesSaying('duplicate ignored')).toContainEqual(expect.objectContaining({ source: 'gh', event_id: first.eventId, sender_delivery: delivery }))
  })

  it('a ping is answered, not stored; a bad signature and a webhook to a schedule are refused', async () => {
    const body = JSON.stringify(githubPing())
    const ping = await pipeline.ingest({ kind: 'webhook', source: 'gh', request: { method: 'POST', headers: githubHeaders(SECRET, 'ping', body), query: {}, rawBody: Buffer.from(body) } })
    expect(ping).toMatchObject({ kind: 'ping', event: 'ping' })
    if (ping.kind !== 'ping') return
    expect(await events.getEvent(ping.eventId)).toBeNull()
    expect(linesSaying('ping answered')).toContainEqual(expect.objectContaining({ source: 'gh', event_id: ping.eventId, event: 'ping' }))

    const forged = push(randomUUID())
    forged.headers['x-hub-signature-256'] = `sha256=${'0'.repeat(64)}`
    await expect(pipeline.ingest({ kind: 'webhook', source: 'gh', request: forged })).rejects.toMatchObject({ code: 'SIGNATURE_MISMATCH' })
    const toSchedule = pipeline.ingest({ kind: 'webhook', source: 'nightly', request: push(randomUUID()) })
    await expect(toSchedule).rejects.toBeInstanceOf(HookyardError)
    await expect(toSchedule).rejects.toMatchObject({ code: 'SOURCE_UNKNOWN', message: 'source "nightly" is a schedule: it fires on its own and takes no webhooks' })
  })

  it('a tick fired by two processes at once is stored once; the other gets the original as a duplicate', async () => {
    const fireTime = new Date('2026-06-01T03:00:00.000Z')
    const otherProcess = side.pipelineFor('other')
    const before = linesSaying('schedule fired').length
    const outcomes = await Promise.all([
      pipeline.ingest({ kind: 'schedule', name: 'nightly', fireTime, manual: false }),
      otherProcess.ingest({ kind: 'schedule', name: 'nightly', fireTime, manual: false }),
    ])
    const stored = outcomes.filter((o) => o.kind === 'stored')
    expect(stored).toHaveLength(1)
    expect(outcomes.filter((o) => o.kind === 'duplicate')).toEqual([{ kind: 'duplicate', eventId: stored[0]!.eventId }])
    const fired = linesSaying('schedule fired').slice(before)
    expect(fired).toEqual([expect.objectContaining({ source: 'nightly', event_id: stored[0]!.eventId, event: 'schedule', sender_delivery: 'nightly@2026-06-01T03:00:00.000Z', matched: ['nightly-build'] })])

    // the tick is kept as the request the dashboard and re-runs read back
    const event = await events.getEvent(stored[0]!.eventId)
    expect(event).toMatchObject({ source: 'nightly', type: 'schedule', event: 'schedule', delivery: 'nightly@2026-06-01T03:00:00.000Z' })
    expect(event!.request).toEqual({
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hookyard-schedule': 'nightly',
        'x-hookyard-fire-time': '2026-06-01T03:00:00.000Z',
        'x-hookyard-delivery': 'nightly@2026-06-01T03:00:00.000Z',
      },
      query: {},
      body_base64: Buffer.from('{"reason":"nightly"}').toString('base64'),
    })

    // later, the same tick again (a restart firing it as missed): still the original
    expect(await pipeline.ingest({ kind: 'schedule', name: 'nightly', fireTime, manual: false })).toEqual({ kind: 'duplicate', eventId: stored[0]!.eventId })
  })

  it('a manual run is never deduplicated; an unknown schedule is SOURCE_UNKNOWN', async () => {
    const now = new Date()
    const first = await pipeline.ingest({ kind: 'schedule', name: 'nightly', fireTime: now, manual: true })
    const second = await pipeline.ingest({ kind: 'schedule', name: 'nightly', fireTime: now, manual: true })
    expect([first.kind, second.kind]).toEqual(['stored', 'stored'])
    expect(second.eventId).not.toBe(first.eventId)
    expect((await events.getEvent(first.eventId))?.delivery).toBe(`nightly@manual-${now.toISOString()}`)
    expect(linesSaying('schedule run now').filter((l) => l['event_id'] === first.eventId || l['event_id'] === second.eventId)).toHaveLength(2)

    await expect(pipeline.ingest({ kind: 'schedule', name: 'gh', fireTime: now, manual: false })).rejects.toMatchObject({ code: 'SOURCE_UNKNOWN', message: 'no schedule named "gh"' })
  })

  it('a re-run stores a new event pointing at the original, read back through the delivery log', async () => {
    const original = await pipeline.ingest({ kind: 'webhook', source: 'gh', request: push(randomUUID()) })
    if (original.kind !== 'stored') throw new Error(`expected stored, got ${original.kind}`)
    const rerun = await pipeline.ingest({ kind: 'rerun', eventId: original.eventId })
    expect(rerun.kind).toBe('stored')
    if (rerun.kind !== 'stored') return
    expect(rerun.eventId).not.toBe(original.eventId)
    expect(rerun.plan.routes).toEqual([expect.objectContaining({ route: 'gh-push', status: 'matched' })])
    const stored = await events.getEvent(rerun.eventId)
    const first = await events.getEvent(original.eventId)
    expect(stored).toMatchObject({ rerun_of: original.eventId, source: 'gh', delivery: first!.delivery })
    expect(stored!.request).toEqual(first!.request)
    expect(linesSaying('event re-run')).toContainEqual(expect.objectContaining({ component: 'test', event_id: rerun.eventId, rerun_of: original.eventId, deliveries: 1 }))
    // not a per-source line: the re-run is the operator's act, not the sender's
    expect(linesSaying('event re-run').find((l) => l['event_id'] === rerun.eventId)).not.toHaveProperty('source')

    // a second re-run is a re-run too, not a duplicate of the first
    expect((await pipeline.ingest({ kind: 'rerun', eventId: original.eventId })).kind).toBe('stored')
  })

  it('a re-run of a missing event is not_found; of an event whose source left the rules, refused', async () => {
    expect(await pipeline.ingest({ kind: 'rerun', eventId: 'ev_missing0000' })).toEqual({ kind: 'not_found', message: 'no event ev_missing0000' })

    const original = await pipeline.ingest({ kind: 'schedule', name: 'nightly', fireTime: new Date(), manual: true })
    const kept = ruleSet
    ruleSet = rulesWith(RULES.replace(/ {2}nightly: \{ type: schedule.*\n/, '').replace(/ {2}- \{ name: nightly-build.*\n/, ''))
    try {
      expect(ruleSet.sources.has('nightly')).toBe(false)
      expect(await pipeline.ingest({ kind: 'rerun', eventId: original.eventId })).toEqual({ kind: 'refused', code: 'SOURCE_UNKNOWN', message: 'source nightly is no longer in the rules' })
    } finally {
      ruleSet = kept
    }
    // back in the rules, the tick re-runs like a webhook: same fire time, a new event
    const rerun = await pipeline.ingest({ kind: 'rerun', eventId: original.eventId })
    expect(rerun.kind).toBe('stored')
    if (rerun.kind === 'stored') expect((await events.getEvent(rerun.eventId))?.delivery).toBe((await events.getEvent(original.eventId))?.delivery)
  })
})
