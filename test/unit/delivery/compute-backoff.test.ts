import { describe, expect, it } from 'vitest'
import { computeBackoff } from '../../../src/delivery/compute-backoff.ts'

const policy = { backoffMs: 1000, maxBackoffMs: 30_000 }
const lowest = () => 0
const highest = () => 1

describe('computeBackoff', () => {
  it('doubles per retry, jittered between half and all of the delay', () => {
    expect([1, 2, 3, 4].map((n) => computeBackoff(n, policy, null, lowest))).toEqual([500, 1000, 2000, 4000])
    expect([1, 2, 3, 4].map((n) => computeBackoff(n, policy, null, highest))).toEqual([1000, 2000, 4000, 8000])
    expect(computeBackoff(3, policy, null, () => 0.5)).toBe(3000)
  })

  it('caps the delay at maxBackoffMs, jitter included', () => {
    expect(computeBackoff(10, policy, null, highest)).toBe(30_000)
    expect(computeBackoff(10, policy, null, lowest)).toBe(15_000)
    expect(computeBackoff(200, policy, null, highest)).toBe(30_000) // 2 ** 199 overflows nothing
  })

  it('treats retry 0 or less as the first retry', () => {
    expect(computeBackoff(0, policy, null, highest)).toBe(1000)
  })

  it("uses the target's Retry-After as it is, without jitter (classifyOutcome has capped it)", () => {
    let drawn = 0
    const counting = () => {
      drawn++
      return 1
    }
    expect(computeBackoff(1, policy, 45_000, counting)).toBe(45_000)
    expect(computeBackoff(1, policy, 0, counting)).toBe(0)
    expect(drawn).toBe(0)
  })

  it('draws from Math.random by default, always within [half, full]', () => {
    for (let i = 0; i < 200; i++) {
      const delay = computeBackoff(2, policy, null)
      expect(delay).toBeGreaterThanOrEqual(1000)
      expect(delay).toBeLessThanOrEqual(2000)
    }
  })
})
