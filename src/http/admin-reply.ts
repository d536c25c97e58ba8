import { OpenAPIHono, type z } from '@hono/zod-openapi'
import type { Context, TypedResponse } from 'hono'
import type { JSONParsed } from 'hono/utils/types'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { maskDeep } from '../secret-masking.ts'

/**
 * Every admin body leaves through here: secrets masked however the body was built. Typed as the
 * body it was given (masking keeps the shape), so a route's reply is checked against its
 * documented response schema.
 */
export function reply<T extends object>(c: Context, body: T, secretValues: readonly string[]): JsonReply<T, 200>
export function reply<T extends object, S extends ContentfulStatusCode>(c: Context, body: T, secretValues: readonly string[], status: S): JsonReply<T, S>
export function reply(c: Context, body: object, secretValues: readonly string[], status: ContentfulStatusCode = 200): Response {
  return c.json(maskDeep(body, secretValues) as object, status)
}

/** `reply` for a result that pairs each status with its own body: each pair keeps its type. */
export function replyResult<R extends { status: ContentfulStatusCode; body: object }>(c: Context, result: R, secretValues: readonly string[]) {
  return reply(c, result.body, secretValues, result.status) as R extends unknown ? JsonReply<R['body'], R['status']> : never
}

type JsonReply<T, S extends ContentfulStatusCode> = Response & TypedResponse<JSONParsed<T>, S, 'json'>

export function problem<S extends ContentfulStatusCode>(c: Context, status: S, code: string, message: string) {
  return c.json({ error: { code, message } }, status)
}

/**
 * A sub-app of the admin API whose routes answer a request their definition refuses like the
 * handlers do: an id no record can have is 404 NOT_FOUND, a bad query 400 QUERY_INVALID (admin
 * requests carry no body).
 */
export function adminApi(): OpenAPIHono {
  return new OpenAPIHono({
    defaultHook: (result, c) => {
      if (result.success) {
        return undefined
      }
      if (result.target === 'param') {
        return problem(c, 404, 'NOT_FOUND', result.error.issues.map((i) => i.message).join('; '))
      }
      return problem(c, 400, 'QUERY_INVALID', describe(result.error))
    },
  })
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
}
