import * as z from 'zod'

/**
 * Building blocks for preset option schemas. URLs are checked with WHATWG `new URL` rather than
 * zod's `httpUrl()`, whose hostname rule needs a dotted domain and would refuse intranet hosts
 * such as `http://buildmaster:8622` or `http://127.0.0.1:8080`.
 */

interface UrlRules {
  /** a hook URL may carry a query (MyGet's `?identifier=`); a base URL gets paths appended */
  allowQuery: boolean
}

function httpUrl(rules: UrlRules) {
  return z.string().superRefine((value, ctx) => {
    let url: URL
    try {
      url = new URL(value)
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be an absolute http(s) URL, got "${value}"` })
      return
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: `must be an http(s) URL, got the scheme "${url.protocol}"` })
    }
    // fetch refuses URLs with credentials; the presets have their own secret options
    if (url.username !== '' || url.password !== '') {
      ctx.addIssue({ code: 'custom', message: 'must not contain user:password@ credentials' })
    }
    if (url.hash !== '') {
      ctx.addIssue({ code: 'custom', message: 'must not contain a #fragment' })
    }
    if (!rules.allowQuery && url.search !== '') {
      ctx.addIssue({ code: 'custom', message: 'must be a base URL without a ?query' })
    }
  })
}

/** A CI server's base URL; the preset appends its API path. */
export const baseUrlOption = httpUrl({ allowQuery: false })

/** A complete URL that is posted to as is (query kept). */
export const hookUrlOption = httpUrl({ allowQuery: true })

/** A token or key; masked everywhere by the rule loader through `secretOptions`. */
export const secretOption = z.string().min(1, 'must not be empty')

/**
 * A project or repository given as numeric id or as a path (`group/sub/project`). YAML reads
 * `project: 9` as a number, so numbers are accepted and turned into strings.
 */
export const idOrPathOption = z
  .union([z.string().min(1, 'must not be empty'), z.number().int().nonnegative()])
  .transform((v) => String(v))

/**
 * Names that each become one URL path segment, `count` of them separated by "/" (null: any
 * number), e.g. a repository `owner/name` or a Jenkins job in folders. "." and ".." are refused:
 * URL parsing would resolve them and send the request to another path.
 */
export function pathSegmentsOption(count: number | null, message: string) {
  return z.string().refine(
    (value) => {
      const names = value.split('/')
      return (count === null || names.length === count) && names.every((n) => n.trim() !== '' && n !== '.' && n !== '..')
    },
    { message }
  )
}
