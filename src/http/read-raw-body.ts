import type { IncomingMessage } from 'node:http'
import { HookyardError } from '../errors.ts'

/**
 * Reads the request body as raw bytes (providers sign the exact bytes, so nothing may parse or
 * re-serialise it first), refusing bodies over `maxBytes` without buffering them: a declared
 * Content-Length is checked before reading, a streamed body is cut off as soon as it passes the limit
 * (the rest is drained, not kept, so the 413 can still be answered on the same connection).
 * Reads the Node request directly when there is one: building a web ReadableStream per request
 * costs more CPU than the rest of the ingest path.
 * @throws HookyardError `BODY_TOO_LARGE`
 */
export async function readRawBody(request: Request, maxBytes: number, incoming?: IncomingMessage): Promise<Buffer> {
  const declared = incoming ? (incoming.headers['content-length'] ?? null) : request.headers.get('content-length')
  if (declared !== null && Number(declared) > maxBytes) {
    throw tooLarge(maxBytes)
  }
  return incoming ? readIncoming(incoming, maxBytes) : readWebStream(request, maxBytes)
}

function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer): void => {
      size += chunk.byteLength
      if (size > maxBytes) {
        cleanup()
        incoming.resume() // drain the rest without keeping it
        reject(tooLarge(maxBytes))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = (): void => {
      cleanup()
      resolve(Buffer.concat(chunks, size))
    }
    const onError = (err: Error): void => {
      cleanup()
      reject(err)
    }
    const cleanup = (): void => {
      incoming.off('data', onData)
      incoming.off('end', onEnd)
      incoming.off('error', onError)
    }
    incoming.on('data', onData)
    incoming.on('end', onEnd)
    incoming.on('error', onError)
  })
}

async function readWebStream(request: Request, maxBytes: number): Promise<Buffer> {
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
