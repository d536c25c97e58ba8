import { randomFillSync } from 'node:crypto'
import { byteForPartition } from '../store/partitions.ts'

/**
 * Time-ordered, unguessable, no ':' (BullMQ job ids) and never all digits. The last random byte
 * names the event's partition (store/partitions.ts): with one partition it is left as drawn.
 */
export function createEventId(at: Date, partition = 0, partitions = 1): string {
  if (idPoolOffset >= ID_POOL.length) {
    randomFillSync(ID_POOL) // one system call per 512 ids instead of one per request
    idPoolOffset = 0
  }
  const last = idPoolOffset + 7
  ID_POOL[last] = byteForPartition(ID_POOL[last]!, partition, partitions)
  const random = ID_POOL.toString('hex', idPoolOffset, idPoolOffset + 8)
  idPoolOffset += 8
  return `ev_${at.getTime().toString(36)}${random}`
}

const ID_POOL = Buffer.alloc(8 * 512)
let idPoolOffset = ID_POOL.length
