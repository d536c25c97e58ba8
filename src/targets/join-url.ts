/**
 * Appends a path to a base URL with exactly one slash between them, whatever slashes the
 * configured base ends with (`https://ci.example.com/` and `https://ci.example.com` both work).
 */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`
}
