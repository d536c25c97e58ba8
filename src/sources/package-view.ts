import type { PackageView } from '../envelope.ts'
import { str } from './json-read.ts'
import { header } from './headers.ts'
import type { InboundRequest } from './types.ts'

/** ProGet/generic event name: the `X-Event` header a template sets, else the body's `event`. */
export function eventName(req: InboundRequest, body: unknown, fallback: string): string {
  return header(req, 'x-event') ?? str(body, 'event') ?? fallback
}

/**
 * The package view of a feed body (ProGet's default template and look-alikes), or null when
 * the body names neither a package nor a version.
 */
export function packageView(body: unknown, event: string): PackageView | null {
  const name = str(body, 'package') ?? str(body, 'packageName') ?? str(body, 'packageId')
  const version = str(body, 'version') ?? str(body, 'packageVersion')
  if (name === null && version === null) return null
  return {
    feed: str(body, 'feed') ?? str(body, 'feedName'),
    name,
    version,
    event: str(body, 'event') ?? event,
    user: str(body, 'user') ?? str(body, 'userName'),
  }
}
