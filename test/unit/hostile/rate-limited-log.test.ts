import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createRateLimitedLog } from '../../../src/rate-limited-log.ts'
import { createLogger } from '../../../src/logger.ts'

interface Line {
  level: number
  msg: string
  [field: string]: unknown
}

/** A real pino logger writing into an array, and a clock the test moves by hand. */
function setup(intervalMs = 10_000) {
  const lines: Line[] = []
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const text of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(text) as Line)
      done()
    },
  })
  let clock = 1_000_000
  const log = createRateLimitedLog({
    logger: createLogger({ level: 'info', destination }),
    level: 'error',
    message: 'store down',
    recoveredMessage: 'store back',
    intervalMs,
    now: () => clock,
  })
  return { lines, log, advance: (ms: number) => (clock += ms) }
}

describe('createRateLimitedLog', () => {
  it('logs the first failure at once, with its fields and no count yet', () => {
    const { lines, log } = setup()
    log.failed({ reason: 'Connection is closed.', source: 'github' })
    expect(lines).toEqual([expect.objectContaining({ level: 50, msg: 'store down', reason: 'Connection is closed.', source: 'github', suppressed: 0, total: 1 })])
  })

  it('counts the failures within the interval instead of logging them, and reports them with the next line', () => {
    const { lines, log, advance } = setup(10_000)
    log.failed({ reason: 'a' })
    for (let i = 0; i < 650; i++) {
      advance(9) // 650 requests over ~6 s, the outage the limit was made for
      log.failed({ reason: 'a' })
    }
    expect(lines).toHaveLength(1)
    advance(10_000)
    log.failed({ reason: 'b' })
    expect(lines).toHaveLength(2)
    expect(lines[1]).toMatchObject({ level: 50, msg: 'store down', reason: 'b', suppressed: 650, total: 652 })
  })

  it('writes at most one line per interval however long the failure lasts', () => {
    const { lines, log, advance } = setup(10_000)
    for (let second = 0; second < 60; second++) {
      for (let i = 0; i < 100; i++) log.failed({})
      advance(1_000)
    }
    expect(lines).toHaveLength(6)
    expect(lines.map((l) => l['total'])).toEqual([1, 1_001, 2_001, 3_001, 4_001, 5_001])
    // each line accounts for the failures since the one before it: none goes uncounted
    expect(lines.reduce((n, l) => n + 1 + (l['suppressed'] as number), 0)).toBe(5_001)
  })

  it('writes one info line with the totals when the failure is over, and starts afresh after', () => {
    const { lines, log, advance } = setup(10_000)
    log.failed({})
    log.failed({})
    log.failed({})
    advance(4_000)
    log.recovered()
    expect(lines[1]).toEqual(expect.objectContaining({ level: 30, msg: 'store back', suppressed: 2, total: 3, duration_ms: 4_000 }))
    log.recovered()
    expect(lines).toHaveLength(2)

    advance(1)
    log.failed({ reason: 'again' })
    expect(lines[2]).toMatchObject({ level: 50, reason: 'again', suppressed: 0, total: 1 })
  })

  it('writes nothing on recovery when nothing failed', () => {
    const { lines, log } = setup()
    log.recovered()
    expect(lines).toEqual([])
  })
})
