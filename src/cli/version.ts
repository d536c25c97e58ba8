import { readFileSync } from 'node:fs'

/** The package version, for `--version` and the outbound User-Agent. */
export function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  return pkg.version
}
