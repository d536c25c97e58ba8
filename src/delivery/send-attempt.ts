import type { OutboundRequest } from '../targets/types.ts'
import type { AttemptResult } from './classify-outcome.ts'

/** How much of a response body an attempt record keeps. */
export const RESPONSE_EXCERPT_BYTES = 2048

export interface SentAttempt {
  result: AttemptResult
  durationMs: number
  /** bounded excerpt of the response body ('' without a response) */
  excerpt: string
}

/**
 * Sends one attempt. Never throws: every failure becomes an AttemptResult.
 * Redirects are not followed (`redirect: 'manual'`): a trigger must reach the configured host only.
 */
export async function sendAttempt(request: OutboundRequest, timeoutMs: number, signal?: AbortSignal): Promise<SentAttempt> {
  const started = performance.now()
  const timeout = AbortSignal.timeout(timeoutMs)
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout
  try {
    const res = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.method === 'GET' || request.method === 'HEAD' ? null : request.body,
      redirect: 'manual',
      signal: combined,
    })
    const excerpt = await readExcerpt(res)
    return {
      result: { kind: 'response', status: res.status, headers: Object.fromEntries(res.headers) },
      durationMs: Math.round(performance.now() - started),
      excerpt,
    }
  } catch (err) {
    const durationMs = Math.round(performance.now() - started)
    if (timeout.aborted) {
      return { result: { kind: 'timeout' }, durationMs, excerpt: '' }
    }
    return { result: { kind: 'network-error', message: describeFetchError(err) }, durationMs, excerpt: '' }
  }
}

/** Reads at most RESPONSE_EXCERPT_BYTES and cancels the rest, so a huge response costs nothing. */
async function readExcerpt(res: Response): Promise<string> {
  if (!res.body) {
    return ''
  }
  const reader = (res.body as ReadableStream<Uint8Array>).getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    while (size < RESPONSE_EXCERPT_BYTES) {
      const { done, value } = await reader.read()
      if (done) {
        break
      }
      chunks.push(value)
      size += value.byteLength
    }
  } catch {
    // a body that breaks off mid-way still leaves the status, which is what classification needs
  } finally {
    await reader.cancel().catch(() => undefined)
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8')
}

function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause
  if (cause?.code) {
    return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`
  }
  return err instanceof Error ? err.message : String(err)
}
