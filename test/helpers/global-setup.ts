import type {} from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { startRedisServer, type RedisServerHandle } from '../../src/embedded-redis.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string
  }
}

let server: RedisServerHandle | undefined
let dir: string | undefined

/** One private redis-server for the whole run, on a free port; never a Redis the tests did not start. */
export async function setup(project: TestProject): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), 'hookyard-test-redis-'))
  server = await startRedisServer({ dir })
  project.provide('redisUrl', server.url)
}

export async function teardown(): Promise<void> {
  await server?.stop()
  if (dir) {
    rmSync(dir, { recursive: true, force: true })
  }
}
