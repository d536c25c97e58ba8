import type { PackageView } from '../envelope.ts'
import { VerificationError } from '../errors.ts'
import { header } from './headers.ts'
import { arr, field, str } from './json-read.ts'
import { baseOptionsSchema } from './options.ts'
import { parseBody } from './parse-body.ts'
import { secretsFor } from './secrets.ts'
import { tokenEquals } from './token.ts'
import type { SourceType } from './types.ts'

/**
 * One package view per artifact of `event_data.resources`: the repository is the package, each
 * resource's tag (its digest when untagged) the version, and the registry host the first part
 * of its `resource_url` (`harbor.example.com/project/repo:tag`).
 */
function harborPackages(body: unknown, event: string): PackageView[] {
  const repository = field(body, 'event_data', 'repository')
  const name = str(repository, 'repo_full_name')
  return arr(body, 'event_data', 'resources').map((resource) => ({
    feed: str(repository, 'namespace'),
    name,
    version: str(resource, 'tag') ?? str(resource, 'digest'),
    event,
    user: str(body, 'operator'),
    registry: str(resource, 'resource_url')?.split('/')[0] || null,
  }))
}

/**
 * Harbor webhook policies (payload format "Default"). Harbor cannot sign; a policy's "Auth
 * Header" value is sent verbatim as the `Authorization` header, so that whole value (for example
 * `Bearer 3f1c...`) is the secret. `type` names the event: `PUSH_ARTIFACT`, `DELETE_ARTIFACT`,
 * `SCANNING_COMPLETED`, ...; a push of several artifacts yields one envelope per artifact.
 */
export const harborSource: SourceType = {
  type: 'harbor',
  optionsSchema: baseOptionsSchema,

  verify(req, source) {
    const secrets = secretsFor(source)
    if (secrets === null) return
    const presented = header(req, 'authorization')
    if (presented === undefined) throw new VerificationError('SIGNATURE_MISSING', 'Authorization header is missing')
    if (!secrets.some((secret) => tokenEquals(presented, secret))) {
      throw new VerificationError('SIGNATURE_MISMATCH', 'Authorization does not match any configured secret')
    }
  },

  parse(req) {
    const body = parseBody(req)
    const event = str(body, 'type') ?? 'unknown'
    const packages = harborPackages(body, event)
    return {
      event,
      deliveryId: null,
      ping: false,
      body,
      pushes: [],
      pullRequest: null,
      package: packages[0] ?? null,
      ...(packages.length > 1 ? { packages } : {}),
    }
  },
}
