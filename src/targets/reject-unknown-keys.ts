import { MappingError } from '../errors.ts'

/**
 * Fails on keys a preset does not send, so a typo (`releasenumber`) is reported instead of being
 * silently dropped or forwarded.
 * @throws MappingError `MAPPING_INVALID` naming the first unknown key and the accepted ones
 */
export function rejectUnknownKeys(
  value: Record<string, unknown>,
  known: readonly string[],
  what: string,
  allow: (key: string) => boolean = () => false
): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key) && !allow(key)) {
      throw new MappingError(`${what} has an unknown field "${key}" (accepted: ${known.join(', ')})`)
    }
  }
}
