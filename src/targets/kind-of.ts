/** Names a value's JSON kind for error messages ("an array", "null", "nothing"). */
export function kindOf(value: unknown): string {
  if (value === undefined) {
    return 'nothing'
  }
  if (value === null) {
    return 'null'
  }
  if (Array.isArray(value)) {
    return 'an array'
  }
  const t = typeof value
  return t === 'object' ? 'an object' : `a ${t}`
}
