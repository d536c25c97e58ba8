import { HookyardError, type ErrorCode } from '../errors.ts'

const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  SIGNATURE_MISSING: 401,
  SIGNATURE_MISMATCH: 401,
  SOURCE_UNKNOWN: 404,
  BODY_TOO_LARGE: 413,
  BODY_INVALID: 400,
  STORE_UNAVAILABLE: 503,
}

export interface ErrorResponse {
  status: 400 | 401 | 404 | 413 | 500 | 503
  body: { error: { code: string; message: string } }
}

/**
 * Turns an error into an honest status and a JSON body. Verification failures get a generic
 * message: the reason (which header, which secret) goes only to the log.
 */
export function toErrorResponse(err: unknown): ErrorResponse {
  if (!(err instanceof HookyardError)) {
    return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } } }
  }
  const status = (STATUS_BY_CODE[err.code] ?? 500) as ErrorResponse['status']
  if (status === 401) {
    return { status, body: { error: { code: 'UNAUTHORIZED', message: 'signature or token missing or invalid' } } }
  }
  if (status === 500) {
    return { status, body: { error: { code: 'INTERNAL', message: 'internal error' } } }
  }
  return { status, body: { error: { code: err.code, message: err.message } } }
}
