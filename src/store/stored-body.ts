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
    const deflated = deflateRawSync(raw, { level: 1 })
    if (deflated.length <= raw.length * (1 - MIN_SAVING)) return { field: DEFLATED_BODY_FIELD, bytes: deflated }
  }
  return { field: RAW_BODY_FIELD, bytes: raw }
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
