import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

/**
 * Two projects, both run by `npm test`: `unit` (pure modules, no Redis, seconds) and
 * `integration` (real processes, HTTP servers and a private redis-server started once per run).
 * `npm run test:unit` / `npm run test:integration` run one of them.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // most integration files spend their time waiting on child processes, sockets and timers, so
    // one file more than there are cores keeps the CPUs busy (about a minute less on two cores)
    maxWorkers: availableParallelism() + 1,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'integration', include: ['test/integration/**/*.test.ts'], globalSetup: ['test/helpers/global-setup.ts'] },
      },
    ],
  },
})
