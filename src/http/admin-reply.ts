import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { maskDeep } from '../secret-masking.ts'

/** Every admin body leaves through here: secrets masked however the body was built. */
export function reply(c: Context, body: unknown, secretValues: readonly string[], status: ContentfulStatusCode = 200): Response {
  return c.json(maskDeep(body, secretValues) as object, status)
}

export function problem(c: Context, status: ContentfulStatusCode, code: string, message: string): Response {
  return c.json({ error: { code, message } }, status)
}
