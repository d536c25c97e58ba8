import { describe, expect, it } from 'vitest'
import { ingestOutcome } from '../../../src/http/ingest-metrics.ts'
import { createMetrics } from '../../../src/metrics/create-metrics.ts'
import { parsePrometheusText } from '../../helpers/prometheus-text.ts'

const scrape = async (metrics: ReturnType<typeof createMetrics>) => parsePrometheusText((await metrics.render()).body)

describe('createMetrics', () => {
  it('gives each instance its own registry: two in one process never share series', async () => {
    const one = createMetrics({ processMetrics: false })
    const two = createMetrics({ processMetrics: false })
    one.eventReceived('github', 'accepted')
    one.eventReceived('github', 'accepted')
    two.eventReceived('github', 'accepted')
    expect((await scrape(one)).value('hookyard_events_received_total', { source: 'github', outcome: 'accepted' })).toBe(2)
    expect((await scrape(two)).value('hookyard_events_received_total', { source: 'github', outcome: 'accepted' })).toBe(1)
  })

  it('counts a coalesced delivery both as coalesced and as a final delivery outcome', async () => {
    const metrics = createMetrics({ processMetrics: false })
    metrics.coalesced('myget')
    const m = await scrape(metrics)
    expect(m.value('hookyard_coalesced_total', { target: 'myget' })).toBe(1)
    expect(m.value('hookyard_deliveries_total', { target: 'myget', outcome: 'coalesced' })).toBe(1)
  })

  it('keeps the problem count of the last failed reload, and clears it after a good one', async () => {
    const metrics = createMetrics({ processMetrics: false })
    metrics.rulesReloaded('error', 3)
    let m = await scrape(metrics)
    expect(m.value('hookyard_rule_errors')).toBe(3)
    expect(m.value('hookyard_rule_reloads_total', { result: 'error' })).toBe(1)
    metrics.rulesReloaded('ok', 0)
    m = await scrape(metrics)
    expect(m.value('hookyard_rule_errors')).toBe(0)
    expect(m.value('hookyard_rule_reloads_total', { result: 'ok' })).toBe(1)
  })

  it('reads the queue depth on scrape, and drops it rather than report stale numbers when Redis fails', async () => {
    let fail = false
    const metrics = createMetrics({
      processMetrics: false,
      queueCounts: () => (fail ? Promise.reject(new Error('down')) : Promise.resolve({ waiting: 4, active: 1, delayed: 2, failed: 0, completed: 9 })),
    })
    const m = await scrape(metrics)
    expect(m.value('hookyard_queue_jobs', { state: 'waiting' })).toBe(4)
    expect(m.value('hookyard_queue_jobs', { state: 'completed' })).toBe(9)
    fail = true
    expect((await scrape(metrics)).value('hookyard_queue_jobs', { state: 'waiting' })).toBeUndefined()
  })

  it('observes attempt durations in seconds', async () => {
    const metrics = createMetrics({ processMetrics: false })
    metrics.attemptObserved('ci', 'delivered', 0.2)
    const m = await scrape(metrics)
    expect(m.value('hookyard_attempt_duration_seconds_bucket', { target: 'ci', outcome: 'delivered', le: '0.1' })).toBe(0)
    expect(m.value('hookyard_attempt_duration_seconds_bucket', { target: 'ci', outcome: 'delivered', le: '0.25' })).toBe(1)
    expect(m.value('hookyard_attempt_duration_seconds_sum', { target: 'ci', outcome: 'delivered' })).toBeCloseTo(0.2)
  })
})

describe('ingestOutcome', () => {
  it.each([
    [202, { event: 'e', deliveries: [{ id: 'd' }] }, 'accepted'],
    [200, { event: 'e', duplicate: true }, 'duplicate'],
    [200, { event: 'e', deliveries: [], reason: 'ping event: nothing to trigger' }, 'ping'],
    [200, { event: 'e', deliveries: [], reason: 'no route matched', routes: [] }, 'no_match'],
    [401, {}, 'unauthorized'],
    [400, {}, 'bad_request'],
    [404, {}, 'unknown_source'],
    [413, {}, 'too_large'],
    [503, {}, 'unavailable'],
    [500, {}, 'error'],
  ] as const)('%i %j -> %s', (status, body, outcome) => {
    expect(ingestOutcome(status, body)).toBe(outcome)
  })
})
