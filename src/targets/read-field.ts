import { MappingError } from '../errors.ts'
import { kindOf } from './kind-of.ts'

/**
 * Reads an optional non-empty string field of a mapped object (null/absent = undefined).
 * @throws MappingError `MAPPING_INVALID` when the field holds anything else
 */
export function readString(value: Record<string, unknown>, key: string, what: string): string | undefined {
  const v = value[key]
  if (v === undefined || v === null) {
    return undefined
  }
  if (typeof v !== 'string' || v === '') {
    throw new MappingError(`${what}: ${key} must be a non-empty string, but the map produced ${describe(v)}`)
  }
  return v
}

/**
 * Reads an optional field that the target accepts as a string or a number (release and build
 * numbers); numbers are kept as numbers so the body shows what the map produced.
 * @throws MappingError `MAPPING_INVALID` when the field holds anything else
 */
export function readStringOrNumber(
  value: Record<string, unknown>,
  key: string,
  what: string
): string | number | undefined {
  const v = value[key]
  if (v === undefined || v === null) {
    return undefined
  }
  if ((typeof v === 'string' && v !== '') || (typeof v === 'number' && Number.isFinite(v))) {
    return v
  }
  throw new MappingError(`${what}: ${key} must be a non-empty string or a number, but the map produced ${describe(v)}`)
}

/**
 * Reads an optional integer id, accepting digit strings too (ids often arrive as strings in
 * payloads); the result is always a number.
 * @throws MappingError `MAPPING_INVALID` when the field is not an integer
 */
export function readInteger(value: Record<string, unknown>, key: string, what: string): number | undefined {
  const v = value[key]
  if (v === undefined || v === null) {
    return undefined
  }
  if (typeof v === 'number' && Number.isSafeInteger(v)) {
    return v
  }
  if (typeof v === 'string' && /^\d{1,15}$/.test(v)) {
    return Number(v)
  }
  throw new MappingError(`${what}: ${key} must be an integer, but the map produced ${describe(v)}`)
}

function describe(v: unknown): string {
  return typeof v === 'string' ? (v === '' ? 'an empty string' : 'a string') : kindOf(v)
}
