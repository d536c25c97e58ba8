import { describe, expect, it } from 'vitest'
import { startRedisServer } from '../../src/embedded-redis.ts'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

describe('startRedisServer', () => {
  it('explains how to get Redis when the binary is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hy-'))
    await expect(startRedisServer({ dir, binary: 'no-such-redis-server-binary' })).rejects.toMatchObject({
      code: 'REDIS_NOT_FOUND',
      message: expect.stringContaining('docker compose up'),
    })
  })
})
