import type { PackageView } from '../envelope.ts'
import { str } from './json-read.ts'
import { baseOptionsSchema } from './options.ts'
import { parseBody } from './parse-body.ts'
import { verifyToken } from './token.ts'
import type { SourceType } from './types.ts'

/** Docker Hub only ever reports an image push; the repository is the package, the tag its version. */
function dockerHubPackage(body: unknown): PackageView | null {
  const name = str(body, 'repository', 'repo_name')
  const version = str(body, 'push_data', 'tag')
  if (name === null && version === null) return null
  return {
    feed: str(body, 'repository', 'namespace'),
    name,
    version,
    event: 'push',
    user: str(body, 'push_data', 'pusher'),
  }
}

/**
 * Docker Hub repository webhooks: no signature, no secret, no event header and no delivery id
 * (only a name and a URL are configurable), so authenticity is a shared token in the webhook URL,
 * as for ProGet. `push_data.pushed_at` makes each push's body, and so its body hash, unique.
 */
export const dockerHubSource: SourceType = {
  type: 'docker-hub',
  optionsSchema: baseOptionsSchema,

  verify(req, source) {
    verifyToken(req, source)
  },

  parse(req) {
    const body = parseBody(req)
    return { event: 'push', deliveryId: null, ping: false, body, pushes: [], pullRequest: null, package: dockerHubPackage(body) }
  },
}
