import { describe, expect, it } from 'vitest'
import { parseDuration } from '../../../src/rules/parse-duration.ts'

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1_500],
    ['0s', 0],
    [' 2s ', 2_000],
    ['250', 250],
    [250, 250],
    [0, 0],
  ])('parses %j as %i ms', (input, expected) => {
    expect(parseDuration(input)).toBe(expected)
  })

  it.each(['5 minutes', '-1s', 'ms', '1w', '', '5M', '1h 30m', '1.s'])('rejects %j with the accepted forms', (input) => {
    expect(() => parseDuration(input)).toThrow(/invalid duration .*500ms, 10s, 5m, 1h/)
  })

  it('rejects negative and non-finite numbers and non-scalars', () => {
    expect(() => parseDuration(-5)).toThrow('invalid duration -5: must be a non-negative number of milliseconds')
    expect(() => parseDuration(Number.POSITIVE_INFINITY)).toThrow(/invalid duration/)
    expect(() => parseDuration(null)).toThrow('invalid duration (empty)')
    expect(() => parseDuration({ s: 1 })).toThrow(/invalid duration \{"s":1\}/)
  })
})
