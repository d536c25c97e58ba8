import { maskSecrets } from '../secret-masking.ts'
import type { OutboundRequest } from '../targets/types.ts'

/** A request body as people (and case files) read it: parsed JSON, decoded form fields, or text. */
export type BodyView =
  | { kind: 'json'; value: unknown }
  | { kind: 'form'; fields: Record<string, string | string[]> }
  | { kind: 'text'; text: string }

/** The request with every secret value replaced by `***`: URL, header values and body. */
export function maskRequest(request: OutboundRequest, secretValues: readonly string[]): OutboundRequest {
  const mask = (text: string): string => maskSecrets(text, secretValues)
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) headers[name] = mask(value)
  return { method: request.method, url: mask(request.url), headers, body: mask(request.body) }
}

/** Case-insensitive header lookup (presets write `Content-Type`, others may not). */
export function headerValue(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const wanted = name.toLowerCase()
  return Object.entries(headers).find(([key]) => key.toLowerCase() === wanted)?.[1]
}

export function bodyView(request: OutboundRequest): BodyView {
  const type = (headerValue(request.headers, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase()
  if (type === 'application/x-www-form-urlencoded') {
    const fields: Record<string, string | string[]> = {}
    for (const [key, value] of new URLSearchParams(request.body)) {
      const seen = fields[key]
      fields[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value]
    }
    return { kind: 'form', fields }
  }
  if (request.body.trim() !== '') {
    try {
      return { kind: 'json', value: JSON.parse(request.body) as unknown }
    } catch {
      // not JSON whatever the content type says: shown as sent
    }
  }
  return { kind: 'text', text: request.body }
}

/** The body for a terminal: pretty JSON, one `key = value` line per form field, or the text. */
export function formatBody(request: OutboundRequest): string {
  const view = bodyView(request)
  if (view.kind === 'json') return JSON.stringify(view.value, null, 2)
  if (view.kind === 'form') {
    return Object.entries(view.fields)
      .flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${key} = ${v}`))
      .join('\n')
  }
  return view.text === '' ? '(empty body)' : view.text
}
