import { createHash, timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest()
}

/**
 * `Authorization: Bearer <token>` on every admin request. Both sides are hashed first so the
 * constant-time compare sees equal lengths: neither the token's length nor a matching prefix
 * shows in the timing. The reply never says which part was wrong.
 */
export function adminAuth(token: string): MiddlewareHandler {
  const expected = digest(token)
  return async (c, next) => {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(c.req.header('authorization') ?? '')
    const given = digest(match?.[1] ?? '')
    // compare even without a header, so a missing one costs the same as a wrong one
    const ok = timingSafeEqual(given, expected) && match !== null
    if (!ok) {
      c.header('WWW-Authenticate', 'Bearer realm="hookyard"')
      return c.json({ error: { code: 'UNAUTHORIZED', message: 'admin token missing or invalid' } }, 401)
    }
    return await next()
  }
}
