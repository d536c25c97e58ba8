import type { PackageView } from '../envelope.ts'
import { header } from './headers.ts'
import { verifyHmac } from './hmac.ts'
import { field, str } from './json-read.ts'
import { baseOptionsSchema } from './options.ts'
import { parseBody } from './parse-body.ts'
import type { SourceType } from './types.ts'

/** A component's full name as its format writes it: `@scope/name`, `group:artifact`, `group/name`. */
function componentName(component: unknown): string | null {
  const name = str(component, 'name')
  const group = str(component, 'group')
  if (name === null || group === null) return name
  const format = str(component, 'format')
  if (format === 'npm') return `@${group}/${name}`
  if (format === 'maven2') return `${group}:${name}`
  return `${group}/${name}`
}

/**
 * The package view of a repository webhook (`rm:repository:component`, or `rm:repository:asset`
 * which names a file and no version). `initiator` is `user/address`; the view keeps the user.
 */
function nexusPackage(body: unknown): PackageView | null {
  const component = field(body, 'component')
  const name = componentName(component) ?? str(body, 'asset', 'name')
  const version = str(component, 'version')
  if (name === null && version === null) return null
  return {
    feed: str(body, 'repositoryName'),
    name,
    version,
    event: str(body, 'action'),
    user: str(body, 'initiator')?.replace(/\/[^/]*$/, '') || null,
  }
}

/**
 * Sonatype Nexus Repository 3 webhooks: `X-Nexus-Webhook-Signature` is the bare hex HMAC-SHA1
 * of the raw body with the webhook's secret key; `X-Nexus-Webhook-Id` names the event
 * (`rm:repository:component`, `rm:repository:asset`, `rm:global:audit`, ...) and
 * `X-Nexus-Webhook-Delivery` identifies the delivery.
 */
export const nexusSource: SourceType = {
  type: 'nexus',
  optionsSchema: baseOptionsSchema,

  verify(req, source) {
    verifyHmac(source, {
      header: 'X-Nexus-Webhook-Signature',
      value: header(req, 'x-nexus-webhook-signature'),
      data: req.rawBody,
      algorithm: 'sha1',
    })
  },

  parse(req) {
    const body = parseBody(req)
    const event = header(req, 'x-nexus-webhook-id') ?? 'unknown'
    const repositoryEvent = event.startsWith('rm:repository:')
    return {
      event,
      deliveryId: header(req, 'x-nexus-webhook-delivery') ?? null,
      ping: false,
      body,
      pushes: [],
      pullRequest: null,
      package: repositoryEvent ? nexusPackage(body) : null,
    }
  },
}
