import { describe, expect, it } from 'vitest'
import { readEvent } from '../../../src/ingest/route-event.ts'
import { buildRuleSet } from '../../../src/rules/build-rule-set.ts'
import {
  latestFireBetween,
  nextFire,
  nextFires,
  readScheduleOptions,
  scheduleDeliveryId,
  scheduleOptionsSchema,
  scheduleRequest,
  scheduleSource,
} from '../../../src/sources/schedule.ts'

const options = (o: Record<string, unknown>) => scheduleOptionsSchema.parse(o)
const iso = (d: Date) => d.toISOString()

describe('schedule times', () => {
  it('reads 5 fields minute first and 6 fields seconds first, in UTC by default', () => {
    expect(iso(nextFire(options({ cron: '30 0 * * *' }), new Date('2026-06-01T12:00:00Z')))).toBe('2026-06-02T00:30:00.000Z')
    expect(nextFires(options({ cron: '*/2 * * * * *' }), new Date('2026-06-01T12:00:01.500Z'), 3).map(iso)).toEqual([
      '2026-06-01T12:00:02.000Z',
      '2026-06-01T12:00:04.000Z',
      '2026-06-01T12:00:06.000Z',
    ])
  })

  it('fires 30 0 * * * in Europe/Berlin at 00:30 local time, across both DST changes', () => {
    const berlin = options({ cron: '30 0 * * *', timezone: 'Europe/Berlin' })
    // winter (UTC+1), then summer (UTC+2) from 2026-03-29
    expect(nextFires(berlin, new Date('2026-03-27T12:00:00Z'), 3).map(iso)).toEqual([
      '2026-03-27T23:30:00.000Z',
      '2026-03-28T23:30:00.000Z',
      '2026-03-29T22:30:00.000Z',
    ])
    // back to winter on 2026-10-25
    expect(nextFires(berlin, new Date('2026-10-23T12:00:00Z'), 3).map(iso)).toEqual([
      '2026-10-23T22:30:00.000Z',
      '2026-10-24T22:30:00.000Z',
      '2026-10-25T23:30:00.000Z',
    ])
  })

  it('weekdays at 06:00 Berlin skip the weekend', () => {
    const weekdays = options({ cron: '0 6 * * 1-5', timezone: 'Europe/Berlin' })
    // Friday 2026-06-05 -> Monday 2026-06-08, 06:00 CEST = 04:00 UTC
    expect(iso(nextFire(weekdays, new Date('2026-06-05T05:00:00Z')))).toBe('2026-06-08T04:00:00.000Z')
  })

  it('a tick in a DST gap (02:30 on the spring-forward night) still fires once that day', () => {
    const gap = options({ cron: '30 2 * * *', timezone: 'Europe/Berlin' })
    const fires = nextFires(gap, new Date('2026-03-28T12:00:00Z'), 2).map(iso)
    expect(fires).toHaveLength(2)
    expect(fires[0]!.startsWith('2026-03-29')).toBe(true)
    expect(fires[1]!.startsWith('2026-03-30')).toBe(true)
  })

  it('finds the latest missed tick between the last fire and now, or none', () => {
    const hourly = options({ cron: '0 * * * *' })
    expect(iso(latestFireBetween(hourly, new Date('2026-06-01T08:00:00Z'), new Date('2026-06-01T11:30:00Z'))!)).toBe('2026-06-01T11:00:00.000Z')
    expect(iso(latestFireBetween(hourly, new Date('2026-06-01T08:00:00Z'), new Date('2026-06-01T11:00:00Z'))!)).toBe('2026-06-01T11:00:00.000Z')
    expect(latestFireBetween(hourly, new Date('2026-06-01T11:00:00Z'), new Date('2026-06-01T11:59:59Z'))).toBeNull()
  })

  it('defaults: UTC, misfire latest, no body', () => {
    expect(options({ cron: '* * * * *' })).toEqual({ cron: '* * * * *', timezone: 'UTC', misfire: 'latest' })
  })
})

describe('schedule validation (file:line:col)', () => {
  const problems = (source: string): string[] => {
    try {
      buildRuleSet([{ path: 'rules/s.yaml', text: `sources:\n  nightly:\n${source}` }], { env: {} })
      return []
    } catch (err) {
      return (err as { problems: { line: number; col: number; message: string }[] }).problems.map((p) => `${p.line}:${p.col} ${p.message}`)
    }
  }

  it('rejects a cron field out of range and an unknown time zone, at their values', () => {
    expect(problems('    type: schedule\n    cron: "61 * * * *"\n    timezone: Mars/Olympus_Mons\n')).toEqual([
      '4:11 source nightly: cron: invalid cron "61 * * * *": Constraint error, got value 61 expected range 0-59',
      '5:15 source nightly: timezone: unknown time zone "Mars/Olympus_Mons" (an IANA name such as Europe/Berlin or UTC)',
    ])
  })

  it('rejects a cron with the wrong number of fields, a secret and an unknown misfire', () => {
    const found = problems('    type: schedule\n    cron: "* * *"\n    secret: abc\n    misfire: always\n')
    expect(found).toHaveLength(3)
    expect(found[0]).toMatch(/^4:11 source nightly: cron: cron "\* \* \*" has 3 fields/)
    expect(found.join('\n')).toMatch(/5:5 source nightly: a schedule takes no webhooks, so no secret/)
    expect(found.join('\n')).toMatch(/^6:\d+ source nightly: misfire/m)
  })

  it('needs no secret', () => {
    expect(problems('    type: schedule\n    cron: "0 * * * *"\n')).toEqual([])
  })
})

describe('the schedule envelope', () => {
  const ruleSet = buildRuleSet(
    [{ path: 'rules/s.yaml', text: 'sources:\n  nightly: { type: schedule, cron: "30 0 * * *", timezone: Europe/Berlin, body: { reason: nightly } }\n' }],
    { env: {} }
  )
  const source = ruleSet.sources.get('nightly')!

  it('carries source, type, event, delivery, the static body and the schedule view; push and package null', () => {
    const fireTime = new Date('2026-06-01T22:30:00Z')
    const req = scheduleRequest(source, fireTime, scheduleDeliveryId('nightly', fireTime))
    const { parsed, envelopes } = readEvent({ source, sourceType: scheduleSource }, req, new Date('2026-06-01T22:30:00.012Z'))
    expect(parsed.ping).toBe(false)
    expect(envelopes).toHaveLength(1)
    expect(envelopes[0]).toMatchObject({
      source: 'nightly',
      type: 'schedule',
      event: 'schedule',
      delivery: 'nightly@2026-06-01T22:30:00.000Z',
      body: { reason: 'nightly' },
      push: null,
      package: null,
      schedule: { name: 'nightly', cron: '30 0 * * *', timezone: 'Europe/Berlin', fire_time: '2026-06-01T22:30:00.000Z' },
    })
  })

  it('names a manual run <name>@manual-<time>', () => {
    expect(scheduleDeliveryId('nightly', new Date('2026-06-01T10:00:00Z'), true)).toBe('nightly@manual-2026-06-01T10:00:00.000Z')
  })

  it('parses the options of a source once: the scheduler loop and every tick read the same result', () => {
    const first = readScheduleOptions(source)
    expect(readScheduleOptions(source)).toBe(first)
    // a reload builds new source objects, which are read afresh
    const reloaded = { ...source, options: { ...source.options, cron: '0 1 * * *' } }
    expect(readScheduleOptions(reloaded)).toMatchObject({ cron: '0 1 * * *', timezone: 'Europe/Berlin' })
    expect(() => readScheduleOptions({ ...source, options: { cron: 'nope' } })).toThrow(/invalid cron|fields/)
  })

  it('takes no webhooks', () => {
    expect(() => scheduleSource.verify(scheduleRequest(source, new Date(), 'x'), source)).toThrow(/is a schedule/)
  })
})
