import { MappingError } from '../errors.ts'
import { pathSegmentProblem } from './path-segment-problem.ts'

/** Control characters: CR/LF would split the request line; tabs and newlines are dropped by URL parsers. */
const CONTROL = /[\u0000-\u001f\u007f]/

/**
 * Appends a path taken from a payload to the configured URL's path. The payload can never steer
 * the request elsewhere: anything that could change scheme, host, user info or escape the
 * configured path is refused, also in percent-encoded form, and the result is checked again
 * after URL parsing.
 * @throws MappingError `MAPPING_INVALID` naming why the path was refused
 */
export function appendRelativePath(base: URL, path: string, what: string): URL {
  const refuse = (why: string): never => {
    throw new MappingError(`${what}: path ${JSON.stringify(path)} is refused: ${why}`)
  }
  if (CONTROL.test(path)) {
    refuse('it contains a control character (CR, LF, tab, ...)')
  }
  if (path.includes('\\')) {
    refuse('it contains a backslash')
  }
  if (path.includes('://') || path.startsWith('//')) {
    refuse('it must be a relative path, not a URL')
  }
  const firstSegment = path.replace(/^\//, '').split('/')[0] ?? ''
  if (firstSegment.includes('@')) {
    refuse('"@" before the first "/" could name a host')
  }
  if (path.includes('?') || path.includes('#')) {
    refuse('use "query" for query parameters; fragments are never sent')
  }
  // dot segments, also percent-encoded (WHATWG URL parsing resolves %2e%2e itself), and what a
  // target that decodes before normalising would turn into "/", "\\", ";" or a dot segment
  for (const segment of path.split('/')) {
    const problem = pathSegmentProblem(segment)
    if (problem !== null) {
      refuse(problem)
    }
  }
  if (path === '' || path === '/') {
    return new URL(base.href)
  }

  const basePath = base.pathname.replace(/\/+$/, '')
  const url = new URL(base.href)
  // the pathname setter can only change the path; the checks above make it exactly an append
  url.pathname = `${basePath}/${path.replace(/^\//, '')}`
  if (url.origin !== base.origin || !url.pathname.startsWith(`${basePath}/`)) {
    refuse(`it leaves ${base.origin}${base.pathname}`)
  }
  return url
}
