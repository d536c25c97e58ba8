import { OpenAPIHono } from '@hono/zod-openapi'
import { readVersion } from '../cli/version.ts'
import { controlRouteDefinitions } from './admin-control-definitions.ts'
import { logRouteDefinitions } from './admin-log-definitions.ts'
import { DEFAULT_LIMIT, MAX_LIMIT } from './admin-query.ts'

/** Every admin route definition, in the order the reference lists them. */
export const adminRouteDefinitions = [...logRouteDefinitions, ...controlRouteDefinitions]

/** Where createApp mounts the admin API. */
export const ADMIN_BASE_PATH = '/api'

const DESCRIPTION = `The admin API behind the dashboard: the delivery log (events, deliveries, their attempts), re-runs and replays, targets' flow control and schedules. JSON only.

**Authentication.** Every route, this document included, needs \`Authorization: Bearer <token>\`: the token is HOOKYARD_ADMIN_TOKEN, or the one \`hookyard serve\` generates and prints once on stderr when that is unset. Without it the answer is 401.

**Paging.** List routes answer \`{ "items": [...], "next_cursor": "..." }\`, newest first. Pass \`next_cursor\` as \`cursor\` to get the next page; it is null on the last page. \`limit\` sets the page size (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT}); a page can be shorter than \`limit\` before the last one, so page until \`next_cursor\` is null.

**Errors.** Every error answer is \`{ "error": { "code": "...", "message": "..." } }\`: \`code\` is stable, \`message\` says what is wrong and how to fix it. A 503 carries \`Retry-After\`.

**Secrets.** Secret values from the rules (tokens, signing secrets) are masked wherever they would appear in an answer.`

/**
 * The admin API's OpenAPI 3.1 document, built from the route definitions: served at
 * /api/openapi.json and written to docs/openapi.json by `npm run api-docs`.
 */
export function adminApiDocument(): ReturnType<OpenAPIHono['getOpenAPI31Document']> {
  const doc = new OpenAPIHono()
  doc.openAPIRegistry.registerComponent('securitySchemes', 'adminToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'HOOKYARD_ADMIN_TOKEN, or the token `hookyard serve` prints at start when that is unset',
  })
  for (const route of adminRouteDefinitions) {
    doc.openAPIRegistry.registerPath({ ...route, path: `${ADMIN_BASE_PATH}${route.path}` })
  }
  return doc.getOpenAPI31Document({
    openapi: '3.1.0',
    info: { title: 'hookyard admin API', version: readVersion(), description: DESCRIPTION },
    servers: [{ url: 'http://localhost:8080', description: 'hookyard serve with the default PORT' }],
    security: [{ adminToken: [] }],
    tags: [
      { name: 'events', description: 'inbound webhooks (and schedule fires) as stored' },
      { name: 'deliveries', description: 'outbound requests to targets, one per event, route and target' },
      { name: 'targets', description: 'targets, their flow control and failed deliveries' },
      { name: 'schedules', description: 'cron sources' },
      { name: 'overview', description: "what the dashboard's front page shows" },
      { name: 'reference', description: 'this reference, as an OpenAPI document' },
    ],
  })
}
