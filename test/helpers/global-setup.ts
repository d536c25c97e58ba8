import type {} from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { startRedisServer, type RedisServerHandle } from '../../src/embedded-redis.ts'
import { buildDist } from './build-dist.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string
  }
}

let server: RedisServerHandle | undefined
let dir: string | undefined

/**
 * Builds dist/ from the current sources (the spawned CLI runs it), then starts one private
 * redis-server for the whole run, on a free port; never a Redis the tests did not start.
 */
export async function setup(project: TestProject): Promise<void> {
  await buildDist()
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
