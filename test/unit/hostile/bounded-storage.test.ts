import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/config.ts'
import { ConfigError } from '../../../src/errors.ts'
import { formatBytes, maxmemoryBytes, parseMaxmemory } from '../../../src/redis-maxmemory.ts'

describe('EMBEDDED_REDIS_MAXMEMORY', () => {
  it('reads sizes and shares of the host memory', () => {
    expect(parseMaxmemory('512mb')).toEqual({ bytes: 512 * 1024 ** 2 })
    expect(parseMaxmemory('2GB')).toEqual({ bytes: 2 * 1024 ** 3 })
    expect(parseMaxmemory('2097152')).toEqual({ bytes: 2 * 1024 ** 2 })
    expect(parseMaxmemory('50%')).toEqual({ percentOfHost: 50 })
    expect(maxmemoryBytes({ percentOfHost: 25 }, 8 * 1024 ** 3)).toBe(2 * 1024 ** 3)
    expect(maxmemoryBytes({ bytes: 3 * 1024 ** 2 }, 8 * 1024 ** 3)).toBe(3 * 1024 ** 2)
    expect(formatBytes(4 * 1024 ** 2)).toBe('4mb')
  })

  it('defaults to half of the host memory, and DEDUP_MAX to a million ids', () => {
    const config = loadConfig({})
    expect(config.embeddedRedisMaxmemory).toEqual({ percentOfHost: 50 })
    expect(config.dedupMax).toBe(1_000_000)
  })

  it('refuses what Redis could not run with, saying what to write instead', () => {
    const problems = (value: string): string[] => {
      try {
        loadConfig({ EMBEDDED_REDIS_MAXMEMORY: value })
      } catch (err) {
        return (err as ConfigError).issues
      }
      return []
    }
    expect(problems('lots')).toEqual(['EMBEDDED_REDIS_MAXMEMORY: "lots" is not a size: write e.g. 512mb, 2gb, or 50% (of the host\'s memory)'])
    expect(problems('512kb')).toEqual(['EMBEDDED_REDIS_MAXMEMORY: "512kb" is below 1mb, too little for Redis to run hookyard'])
    expect(problems('0%')).toEqual(['EMBEDDED_REDIS_MAXMEMORY: "0%" is not a share between 1% and 100%'])
    expect(() => loadConfig({ DEDUP_MAX: '0' })).toThrow(ConfigError)
  })
})
