import { randomFillSync } from 'node:crypto'

/** Time-ordered, unguessable, no ':' (BullMQ job ids) and never all digits. */
export function createEventId(at: Date): string {
  if (idPoolOffset >= ID_POOL.length) {
    randomFillSync(ID_POOL) // one system call per 512 ids instead of one per request
    idPoolOffset = 0
  }
  const random = ID_POOL.toString('hex', idPoolOffset, idPoolOffset + 8)
  idPoolOffset += 8
  return `ev_${at.getTime().toString(36)}${random}`
}

const ID_POOL = Buffer.alloc(8 * 512)
let idPoolOffset = ID_POOL.length
