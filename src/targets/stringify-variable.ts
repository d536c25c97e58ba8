/**
 * CI variables are strings on the wire (GitLab answers 400 "variables needs to be a map of
 * key-valued strings" otherwise): strings as they are, objects and arrays as JSON text, other
 * scalars via String().
 */
export function stringifyVariable(value: unknown): string {
  if (typeof value === 'string') {
    return value
  }
  return value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value)
}
