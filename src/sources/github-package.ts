import type { PackageView } from '../envelope.ts'
import { field, str } from './json-read.ts'

/** GitHub Packages announces a version as `package` (current) or `registry_package` (older apps). */
export const GITHUB_PACKAGE_EVENTS: ReadonlySet<string> = new Set(['package', 'registry_package'])

/**
 * The package view of a GitHub `package`/`registry_package` event. A container version is
 * named by its digest; the pushed tag, when there is one, is the version people deploy.
 */
export function githubPackage(event: string, body: unknown): PackageView | null {
  const pkg = field(body, event)
  const name = str(pkg, 'name')
  const version = str(pkg, 'package_version', 'container_metadata', 'tag', 'name') ?? str(pkg, 'package_version', 'version')
  if (name === null && version === null) return null
  return {
    feed: str(pkg, 'ecosystem') ?? str(pkg, 'package_type'),
    name,
    version,
    event: str(body, 'action'),
    user: str(body, 'sender', 'login') ?? str(pkg, 'package_version', 'author', 'login'),
    registry: str(pkg, 'registry', 'url'),
  }
}
