/**
 * The Redis Cluster hash slot of a key: CRC16-XMODEM of its hash tag (the text between the first
 * `{` and the next `}`, when not empty) or of the whole key, modulo 16384. hookyard computes it to
 * choose partition tags that land on distinct slots; the integration tests compare it with
 * `CLUSTER KEYSLOT` on a real server.
 */
export const CLUSTER_SLOTS = 16384

const TABLE = new Uint16Array(256)
for (let i = 0; i < 256; i++) {
  let crc = i << 8
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1
  TABLE[i] = crc & 0xffff
}

function crc16(bytes: Uint8Array): number {
  let crc = 0
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ byte) & 0xff]!
  return crc
}

export function clusterSlot(key: string): number {
  const open = key.indexOf('{')
  const close = open < 0 ? -1 : key.indexOf('}', open + 1)
  const hashed = close > open + 1 ? key.slice(open + 1, close) : key
  return crc16(Buffer.from(hashed, 'utf8')) % CLUSTER_SLOTS
}
