import { deflateRawSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { DEFLATED_BODY_FIELD, encodeBody, RAW_BODY_FIELD, takeBody } from '../../../src/store/stored-body.ts'
import { githubBranchPush } from '../../helpers/fixtures.ts'

/** Real webhook JSON of any length: GitHub pushes one after another. */
function jsonOfLength(bytes: number): Buffer {
  const one = JSON.stringify(githubBranchPush())
  const many = `[${Array.from({ length: Math.ceil(bytes / one.length) + 1 }, () => one).join(',')}]`
  return Buffer.from(many.slice(0, bytes))
}

describe('stored bodies', () => {
  it.each([1024, 3000, 7678, 40_000, 1 << 20])('compresses a %i byte JSON body as well as zlib with its default window, and reads it back byte for byte', (bytes) => {
    const raw = jsonOfLength(bytes)
    const stored = encodeBody(raw)
    expect(stored.field).toBe(DEFLATED_BODY_FIELD)
    const withDefaults = deflateRawSync(raw, { level: 1 }).length
    expect(stored.bytes.length).toBeLessThanOrEqual(Math.ceil(withDefaults * 1.02))
    expect(takeBody({ [stored.field]: stored.bytes })!.equals(raw)).toBe(true)
  })

  it('keeps a body under 1 KiB as it came', () => {
    const raw = jsonOfLength(1023)
    expect(encodeBody(raw)).toEqual({ field: RAW_BODY_FIELD, bytes: raw })
  })
})
