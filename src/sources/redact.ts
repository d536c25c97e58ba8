/** Header and query names that carry a source's secret verbatim (tokens, not signatures). */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-gitlab-token', 'x-hookyard-token'])
const SECRET_QUERY = new Set(['token'])

export const MASK = '***'

function mask(values: Record<string, string>, names: ReadonlySet<string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(values)) out[name] = names.has(name.toLowerCase()) ? MASK : value
  return out
}

/** Envelopes are stored and shown in the UI; a shared token must never travel with them. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return mask(headers, SECRET_HEADERS)
}

export function redactQuery(query: Record<string, string>): Record<string, string> {
  return mask(query, SECRET_QUERY)
}
