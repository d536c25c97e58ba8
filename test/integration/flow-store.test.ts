import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createKeys } from '../../src/store/keys.ts'
import { createFlowStore, MAX_PAUSE_MS, type FlowStore } from '../../src/store/flow-store.ts'

const CIRCUIT = { failures: 2, pauseMs: 1000 }
const fail = { ok: false, retryAfterMs: 0 }
const ok = { ok: true, retryAfterMs: 0 }

describe('flow store (real Redis)', () => {
  let redis: Redis
  let flow: FlowStore
  let n = 0
  const target = () => `t${++n}`
  const keys = createKeys(`fs${randomUUID().slice(0, 8)}`)
  // the tests reach into the breaker's hash only to skip waiting out a pause
  const circuitKey = (t: string) => keys.circuit(t)

  beforeAll(() => {
    redis = new Redis(inject('redisUrl'))
    flow = createFlowStore(redis, keys)
  })
  afterAll(() => redis.disconnect())

  it('caps deliveries in flight; refused ones are let in by arrival, not by who asks first', async () => {
    const t = target()
    expect(await flow.admit(t, 'a', 1, 10_000)).toEqual({ go: true, probe: false })
    expect(await flow.admit(t, 'b', 1, 10_000)).toMatchObject({ go: false, reason: 'concurrency' })
    expect(await flow.admit(t, 'c', 1, 10_000)).toMatchObject({ go: false, reason: 'concurrency' })
    expect((await flow.state(t)).inflight).toBe(1)
    const after = await flow.finish(t, 'a', 1, null, ok)
    expect(after.wake).toEqual(['b'])
    // c asks before b comes back: the slot is b's
    expect(await flow.admit(t, 'c', 1, 10_000)).toMatchObject({ go: false })
    expect(await flow.admit(t, 'b', 1, 10_000)).toEqual({ go: true, probe: false })
    expect((await flow.finish(t, 'b', 1, null, ok)).wake).toEqual(['c'])
    expect(await flow.admit(t, 'c', 1, 10_000)).toMatchObject({ go: true })
  })

  it('a slot held by a worker that died frees when its lease runs out', async () => {
    const t = target()
    expect(await flow.admit(t, 'dead', 1, 300)).toMatchObject({ go: true })
    expect(await flow.admit(t, 'next', 1, 300)).toMatchObject({ go: false })
    await expect.poll(async () => (await flow.admit(t, 'next', 1, 300)).go, { timeout: 3000, interval: 100 }).toBe(true)
  })

  it('a waiter whose job is gone stops blocking the line after a few lease periods', async () => {
    const t = target()
    await flow.admit(t, 'holder', 1, 200)
    await flow.admit(t, 'gone', 1, 200) // refused, then never asks again
    await flow.finish(t, 'holder', 1, null, ok)
    expect(await flow.admit(t, 'late', 1, 200)).toMatchObject({ go: false })
    await expect.poll(async () => (await flow.admit(t, 'late', 1, 200)).go, { timeout: 3000, interval: 100 }).toBe(true)
  })

  it('opens after N failures in a row, lets one probe through, doubles the pause on a failed probe, resumes on success', async () => {
    const t = target()
    expect((await flow.finish(t, 'a', 0, CIRCUIT, fail)).transition).toBeNull()
    expect((await flow.finish(t, 'a', 0, CIRCUIT, ok)).transition).toBeNull() // a success resets the count
    await flow.finish(t, 'a', 0, CIRCUIT, fail)
    const opened = await flow.finish(t, 'b', 0, CIRCUIT, fail)
    expect(opened).toMatchObject({ transition: 'paused', pauseMs: 1000 })
    const state = await flow.state(t)
    expect(state).toMatchObject({ paused: true, manual: false, probing: false })
    expect(state.until! - Date.now()).toBeGreaterThan(800)
    const refused = await flow.admit(t, 'c', 0, 10_000)
    expect(refused).toMatchObject({ go: false, reason: 'paused' })
    expect((refused as { waitMs: number }).waitMs).toBeLessThanOrEqual(1000)

    await new Promise((r) => setTimeout(r, 1050))
    expect(await flow.admit(t, 'probe', 0, 10_000)).toEqual({ go: true, probe: true })
    expect(await flow.admit(t, 'other', 0, 10_000)).toMatchObject({ go: false, reason: 'probing' })
    expect(await flow.finish(t, 'probe', 0, CIRCUIT, fail)).toMatchObject({ transition: 'probe_failed', pauseMs: 2000 })

    await redis.hset(circuitKey(t), 'until', Date.now()) // skip the wait
    expect(await flow.admit(t, 'probe2', 0, 10_000)).toEqual({ go: true, probe: true })
    expect(await flow.finish(t, 'probe2', 0, CIRCUIT, ok)).toMatchObject({ transition: 'resumed' })
    expect(await flow.state(t)).toMatchObject({ paused: false, failures: 0 })
    expect(await flow.admit(t, 'other', 0, 10_000)).toEqual({ go: true, probe: false })
  })

  it('a Retry-After longer than the pause wins; doubling stops at 1 h', async () => {
    const t = target()
    await flow.finish(t, 'a', 0, CIRCUIT, fail)
    expect(await flow.finish(t, 'a', 0, CIRCUIT, { ok: false, retryAfterMs: 60_000 })).toMatchObject({ transition: 'paused', pauseMs: 60_000 })
    await redis.hset(circuitKey(t), 'until', Date.now(), 'pause', MAX_PAUSE_MS)
    await flow.admit(t, 'p', 0, 10_000)
    expect(await flow.finish(t, 'p', 0, CIRCUIT, fail)).toMatchObject({ transition: 'probe_failed', pauseMs: MAX_PAUSE_MS })
  })

  it('a probe that sent nothing hands the probe on at once', async () => {
    const t = target()
    await flow.finish(t, 'a', 0, CIRCUIT, fail)
    await flow.finish(t, 'a', 0, CIRCUIT, fail)
    await redis.hset(circuitKey(t), 'until', Date.now())
    expect(await flow.admit(t, 'p1', 0, 10_000)).toMatchObject({ go: true, probe: true })
    await flow.release(t, 'p1', 0)
    expect(await flow.admit(t, 'p2', 0, 10_000)).toMatchObject({ go: true, probe: true })
  })

  it('pause and resume by hand: paused until resumed, failures forgotten', async () => {
    const t = target()
    await flow.finish(t, 'a', 0, CIRCUIT, fail)
    expect(await flow.pause(t)).toBe(true)
    expect(await flow.pause(t)).toBe(false)
    expect(await flow.state(t)).toMatchObject({ paused: true, manual: true, until: null })
    expect(await flow.admit(t, 'x', 0, 10_000)).toMatchObject({ go: false, reason: 'paused' })
    expect(await redis.pttl(circuitKey(t))).toBe(-1) // never expires while paused by hand
    expect(await flow.resume(t)).toBe(true)
    expect(await flow.resume(t)).toBe(false)
    expect(await flow.state(t)).toMatchObject({ paused: false, failures: 0 })
  })
})
