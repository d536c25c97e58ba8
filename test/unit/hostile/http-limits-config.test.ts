import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/config.ts'
import { ConfigError } from '../../../src/errors.ts'

function issues(env: Record<string, string>): string[] {
  try {
    loadConfig(env)
  } catch (err) {
    if (err instanceof ConfigError) return err.issues
    throw err
  }
  throw new Error('expected a ConfigError')
}

describe('HTTP connection limits in the configuration', () => {
  it('default to 10 s for headers, 30 s per request, 5 s keep-alive and 1024 connections', () => {
    expect(loadConfig({}).http).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxConnections: 1024 })
  })

  it('take durations with units and a whole number of connections', () => {
    const env = { HTTP_HEADERS_TIMEOUT: '500ms', HTTP_REQUEST_TIMEOUT: '2m', HTTP_KEEP_ALIVE_TIMEOUT: '65s', HTTP_MAX_CONNECTIONS: '10000' }
    expect(loadConfig(env).http).toEqual({ headersTimeoutMs: 500, requestTimeoutMs: 120_000, keepAliveTimeoutMs: 65_000, maxConnections: 10_000 })
  })

  it('refuse values that would disable a limit or make no sense, naming the variable', () => {
    expect(issues({ HTTP_HEADERS_TIMEOUT: '0' })).toEqual(['HTTP_HEADERS_TIMEOUT: must be longer than 0'])
    expect(issues({ HTTP_KEEP_ALIVE_TIMEOUT: '2h' })).toEqual(['HTTP_KEEP_ALIVE_TIMEOUT: must be at most 1h'])
    expect(issues({ HTTP_REQUEST_TIMEOUT: 'soon' })[0]).toMatch(/^HTTP_REQUEST_TIMEOUT: invalid duration "soon": use a number of milliseconds or a number with a unit/)
    expect(issues({ HTTP_MAX_CONNECTIONS: 'many' })).toEqual(['HTTP_MAX_CONNECTIONS: must be a whole number'])
    expect(issues({ HTTP_MAX_CONNECTIONS: '0' })[0]).toMatch(/^HTTP_MAX_CONNECTIONS: /)
  })

  it('refuse a header timeout longer than the request timeout, which covers the headers too', () => {
    expect(issues({ HTTP_HEADERS_TIMEOUT: '1m' })).toEqual([
      'HTTP_HEADERS_TIMEOUT: must not be longer than HTTP_REQUEST_TIMEOUT (30000 ms), which covers the headers too: shorten HTTP_HEADERS_TIMEOUT or lengthen HTTP_REQUEST_TIMEOUT',
    ])
  })
})
