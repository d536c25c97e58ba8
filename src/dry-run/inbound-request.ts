import type { InboundRequest } from '../sources/types.ts'

/** The header each source type reads its event name from (what `--event` and `event:` set), as senders spell it. */
export const EVENT_HEADERS: Readonly<Record<string, string>> = {
  github: 'X-GitHub-Event',
  gitlab: 'X-Gitlab-Event',
  bitbucket: 'X-Event-Key',
  'bitbucket-server': 'X-Event-Key',
  gitea: 'X-Gitea-Event',
  proget: 'X-Event',
  nexus: 'X-Nexus-Webhook-Id',
  generic: 'X-Event',
}

export interface InboundInput {
  sourceType: string
  body: Buffer
  /** header names in any case; lower-cased here, as the HTTP layer does */
  headers?: Readonly<Record<string, string>>
  /** shortcut for the source type's event header; an explicit header wins */
  event?: string | undefined
  query?: Readonly<Record<string, string>>
}

/** The request ingress would have handed to the source type, built from a payload file and flags. */
export function buildInboundRequest(input: InboundInput): InboundRequest {
  const headers: Record<string, string> = {}
  const eventHeader = EVENT_HEADERS[input.sourceType]?.toLowerCase()
  if (input.event !== undefined && eventHeader !== undefined) headers[eventHeader] = input.event
  for (const [name, value] of Object.entries(input.headers ?? {})) headers[name.toLowerCase()] = value
  return { method: 'POST', headers, query: { ...input.query }, rawBody: input.body }
}

/**
 * Parses repeated `--header 'K: V'` flags (curl's syntax).
 * @throws Error naming the flag value when it has no `:` or an empty name
 */
export function parseHeaderFlags(flags: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const flag of flags) {
    const colon = flag.indexOf(':')
    const name = colon > 0 ? flag.slice(0, colon).trim() : ''
    if (name === '' || /\s/.test(name)) throw new Error(`--header ${JSON.stringify(flag)}: expected 'Name: value'`)
    headers[name.toLowerCase()] = flag.slice(colon + 1).trim()
  }
  return headers
}

/**
 * A hint when the sender's event header is missing: the source type then falls back to
 * "unknown" (or GitLab's `object_kind`), which real deliveries never produce, so `when`
 * clauses on `event` would be judged against the wrong value.
 */
export function eventHint(sourceType: string, req: InboundRequest, event: string): string | null {
  const name = EVENT_HEADERS[sourceType]
  // ProGet and generic bodies carry `event` themselves; X-Event is optional there
  if (name === undefined || name === 'X-Event' || req.headers[name.toLowerCase()]?.trim()) return null
  return `no ${name} header, so the event is ${JSON.stringify(event)}; real ${sourceType} deliveries send it: add --event NAME or --header '${name}: NAME'`
}
