import { createHmac, timingSafeEqual } from 'node:crypto'
import { VerificationError } from '../errors.ts'
import { secretsFor } from './secrets.ts'
import type { SourceConfig } from './types.ts'

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512'
export type DigestEncoding = 'hex' | 'base64'

/** HMAC over exact bytes: signatures cover what the sender wrote, never a re-serialisation. */
export function hmacDigest(
  algorithm: HmacAlgorithm,
  secret: string,
  data: Buffer | string,
  encoding: DigestEncoding = 'hex'
): string {
  return createHmac(algorithm, secret).update(data).digest(encoding)
}

/** Constant-time string equality; the length check first is required by timingSafeEqual. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8')
  const right = Buffer.from(b, 'utf8')
  return left.length === right.length && timingSafeEqual(left, right)
}

export interface HmacCheck {
  /** header name as the sender spells it, for the (log-only) reason */
  header: string
  value: string | undefined
  data: Buffer | string
  algorithm: HmacAlgorithm
  encoding?: DigestEncoding
  /** e.g. `sha256=`; the header must start with it */
  prefix?: string
}

/** Passes when any configured secret (rotation) produced the signature. */
export function verifyHmac(source: SourceConfig, check: HmacCheck): void {
  const secrets = secretsFor(source)
  if (secrets === null) return
  if (check.value === undefined || check.value === '') {
    throw new VerificationError('SIGNATURE_MISSING', `${check.header} header is missing`)
  }
  const prefix = check.prefix ?? ''
  if (!check.value.startsWith(prefix)) {
    throw new VerificationError('SIGNATURE_MISMATCH', `${check.header} does not start with "${prefix}"`)
  }
  const encoding = check.encoding ?? 'hex'
  const raw = check.value.slice(prefix.length).trim()
  const given = encoding === 'hex' ? raw.toLowerCase() : raw
  const matches = secrets.some((s) => safeEqual(hmacDigest(check.algorithm, s, check.data, encoding), given))
  if (!matches) {
    throw new VerificationError('SIGNATURE_MISMATCH', `${check.header} does not match any configured secret`)
  }
}
