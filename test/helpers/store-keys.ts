import { createPartitions, type Partitions } from '../../src/store/partitions.ts'

/**
 * The keys a hookyard under `prefix` writes, with the partitions the test run uses
 * (REDIS_PARTITIONS in its environment, else one), for tests that read records directly.
 */
export function storeKeys(prefix: string): Partitions {
  return createPartitions(prefix, Number(process.env['REDIS_PARTITIONS'] ?? 1))
}
