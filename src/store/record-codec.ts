/** Hash fields hold JSON, so numbers, nulls and nested values come back as they went in. */
export function serialize(record: object): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(record)) {
    if (v !== undefined) {
      out[k] = JSON.stringify(v)
    }
  }
  return out
}

/** serialize() as field/value pairs in one flat list, the shape HSET and the scripts take. */
export function fieldPairs(record: object): string[] {
  const out: string[] = []
  for (const [k, v] of Object.entries(serialize(record))) {
    out.push(k, v)
  }
  return out
}

export function deserialize(raw: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(raw)) {
    out[k] = parseField(v)
  }
  return out
}

/** One hash field; a field written by hand (not JSON) comes back as the raw string. */
export function parseField(value: string | null | undefined): unknown {
  if (value === null || value === undefined) {
    return undefined
  }
  try {
    return JSON.parse(value) as unknown
  } catch {
    return value
  }
}

/** HMGET replies in field order: rebuild an object, or null when the hash does not exist. */
export function fromFields(fields: readonly string[], values: readonly (string | null)[]): Record<string, unknown> | null {
  if (values.every((v) => v === null)) {
    return null
  }
  const out: Record<string, unknown> = {}
  fields.forEach((name, i) => {
    const value = parseField(values[i])
    if (value !== undefined) {
      out[name] = value
    }
  })
  return out
}
