import { deflateRawSync, inflateRawSync } from 'node:zlib'

/** The event hash field holding the inbound body's exact bytes. */
export const RAW_BODY_FIELD = 'raw_body'
/** The field holding them compressed (raw DEFLATE) instead; an event has one of the two. */
export const DEFLATED_BODY_FIELD = 'raw_body_deflate'

/** Smaller bodies gain too little to pay for the compressor's set-up. */
const COMPRESS_FROM_BYTES = 1024
/** Kept compressed only when that saves at least a tenth (already-compressed or random bytes do not shrink). */
const MIN_SAVING = 0.1

/**
 * How a body is stored. Webhook bodies are JSON, which DEFLATE level 1 shrinks 4-5 x (a 7.7 KB
 * GitHub push becomes 1.6 KB) in about 20 us: Redis memory, AOF bytes and the bytes written to
 * Redis per event are dominated by the body, so this is most of what an event costs to keep.
 */
export function encodeBody(raw: Buffer): { field: string; bytes: Buffer } {
  if (raw.length >= COMPRESS_FROM_BYTES) {
    const deflated = deflateRawSync(raw, { level: 1, ...windowFor(raw.length) })
    if (deflated.length <= raw.length * (1 - MIN_SAVING)) return { field: DEFLATED_BODY_FIELD, bytes: deflated }
  }
  return { field: RAW_BODY_FIELD, bytes: raw }
}

/**
 * A window no larger than the body, and a hash table to match: zlib allocates and clears both on
 * every call, and for a typical 8 KB webhook the defaults' 256 KiB of state cost more than the
 * compression itself (about 18 us less CPU per event in `npm run bench`). A body compresses as
 * well as with the defaults, since no match can reach further back than its start; inflating needs
 * no setting, as a stream written with a smaller window reads with any.
 */
function windowFor(bytes: number): { windowBits: number; memLevel: number } {
  const windowBits = Math.min(15, Math.max(9, Math.ceil(Math.log2(bytes))))
  return { windowBits, memLevel: Math.min(8, windowBits - 6) }
}

/**
 * The exact bytes received, from an event hash's fields (either form: events stored before bodies
 * were compressed have `raw_body`). Removes both fields from `fields`; undefined when neither is there.
 */
export function takeBody(fields: Record<string, Buffer>): Buffer | undefined {
  const { [RAW_BODY_FIELD]: raw, [DEFLATED_BODY_FIELD]: deflated } = fields
  delete fields[RAW_BODY_FIELD]
  delete fields[DEFLATED_BODY_FIELD]
  return deflated ? inflateRawSync(deflated) : raw
}
