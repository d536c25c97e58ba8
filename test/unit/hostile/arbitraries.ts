/**
 * Shared fast-check settings and generators for the hostile-input suite. A fixed seed keeps every
 * run identical (a failure reproduces exactly); modest run counts keep the suite fast.
 */
import fc from 'fast-check'
import { expect } from 'vitest'

export const FC = { seed: 20_240_611, numRuns: 200 } as const

/** What a call did: returned, or threw (the error kept for assertions). */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown }

export function outcome(fn: () => unknown): Outcome {
  try {
    return { ok: true, value: fn() }
  } catch (error) {
    return { ok: false, error }
  }
}

export async function asyncOutcome(fn: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await fn() }
  } catch (error) {
    return { ok: false, error }
  }
}

/** Asserts that fn threw an instance of `type` (and nothing else), returning the error. */
export function expectThrows<E>(fn: () => unknown, type: abstract new (...args: never[]) => E): E {
  const result = outcome(fn)
  if (result.ok) {
    throw new Error(`expected ${type.name}, but the call returned ${JSON.stringify(result.value)?.slice(0, 200)}`)
  }
  expect(result.error).toBeInstanceOf(type)
  return result.error as E
}

/** Byte strings of every kind: random, mostly-ASCII, and UTF-8 of random text. */
export const anyBytes: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a)),
  fc.string({ unit: 'binary-ascii', maxLength: 256 }).map((s) => Buffer.from(s, 'latin1')),
  fc.string({ unit: 'binary', maxLength: 256 }).map((s) => Buffer.from(s, 'utf8'))
)

/** Secrets as a rule file would hold them: non-empty, no surrounding whitespace (HTTP trims header values). */
export const anySecret: fc.Arbitrary<string> = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 48 })
  .filter((s) => s.trim() === s && s !== '')

/** Signature header values that are wrong in every way a sender (or attacker) could get them wrong. */
export const garbageSignature: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.stringMatching(/^[0-9a-f]{1,130}$/), // hex of the wrong (maybe odd) length
  fc.stringMatching(/^[0-9a-f]{64}$/), // right length, wrong digest
  fc.stringMatching(/^sha(1|256|512)?=[0-9a-fA-F]{0,129}$/),
  fc.stringMatching(/^sha256=[^0-9a-f]{64}$/), // non-hex of the right length
  fc.stringMatching(/^(sha256|SHA256|sha-256|sha256 |md5)[=:][0-9a-f]{64}$/), // wrong prefixes
  fc.nat({ max: 64 }).map((n) => `sha256=${'a'.repeat(64)}${'é'.repeat(n)}`),
  fc.constantFrom('', ' ', 'sha256=', 'sha256', '=', `sha256=${'0'.repeat(100_000)}`, 'x'.repeat(65_536), 'sha256=\u0000', '\ud800\udfff')
)
