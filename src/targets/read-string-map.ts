import { MappingError } from '../errors.ts'
import { requireObject } from './require-object.ts'
import { stringifyVariable } from './stringify-variable.ts'

/**
 * Reads an optional `{ NAME: value }` object of CI variables or parameters: null values are
 * dropped (a null field of the payload means "not set"), the others sent as strings.
 * @throws MappingError `MAPPING_INVALID` when it is not an object or `nameProblem` refuses a name
 */
export function readStringMap(
  value: unknown,
  what: string,
  nameProblem: (name: string) => string | null = (name) => (name === '' ? 'names must not be empty' : null)
): Record<string, string> | undefined {
  if (value === undefined || value === null) {
    return undefined
  }
  const out: Record<string, string> = {}
  for (const [name, v] of Object.entries(requireObject(value, what))) {
    if (v === null || v === undefined) {
      continue
    }
    const problem = nameProblem(name)
    if (problem !== null) {
      throw new MappingError(`${what}: ${JSON.stringify(name)} is refused: ${problem}`)
    }
    out[name] = stringifyVariable(v)
  }
  return out
}
