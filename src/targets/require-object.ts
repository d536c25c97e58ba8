import { MappingError } from '../errors.ts'
import { kindOf } from './kind-of.ts'

/**
 * Narrows a mapped value to a plain JSON object, or fails the delivery with a message that says
 * what the map produced instead (an empty map result is the most common mistake).
 * @throws MappingError `MAPPING_INVALID` when `value` is not a non-array object
 */
export function requireObject(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new MappingError(`${what} must be an object, but the map produced ${kindOf(value)}`)
  }
  return value as Record<string, unknown>
}
