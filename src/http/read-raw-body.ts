import { HookyardError } from '../errors.ts'

/**
 * Reads the request body as raw bytes (providers sign the exact bytes, so nothing may parse or
 * re-serialise it first), refusing bodies over `maxBytes` without buffering them: a declared
 * Content-Length is checked before reading, a streamed body is cut off as soon as it passes the limit.
 * @throws HookyardError `BODY_TOO_LARGE`
 */
export async function readRawBody(request: Request, maxBytes: number): Promise<Buffer> {
  const declared = request.headers.get('content-length')
  if (declared !== null && Number(declared) > maxBytes) {
    throw tooLarge(maxBytes)
  }
  if (!request.body) {
    return Buffer.alloc(0)
  }
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = (request.body as ReadableStream<Uint8Array>).getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) {
      break
    }
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined)
      throw tooLarge(maxBytes)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks, size)
}

function tooLarge(maxBytes: number): HookyardError {
  return new HookyardError('BODY_TOO_LARGE', `body exceeds the limit of ${maxBytes} bytes`)
}
