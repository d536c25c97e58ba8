import * as z from 'zod'
import { MappingError } from '../errors.ts'
import { hookUrlOption } from './option-schemas.ts'
import type { OutboundRequest, TargetPreset } from './types.ts'

const optionsSchema = z
  .object({
    url: hookUrlOption,
  })
  .strict()

export type MyGetOptions = z.infer<typeof optionsSchema>

/** MyGet Build Services refuse builds for 5 minutes after one starts. */
const MYGET_COOLDOWN_MS = 5 * 60 * 1000

/**
 * Default map: the inbound body unchanged. MyGet's hook is wired straight to GitHub or Bitbucket
 * in its own docs and always builds the latest code, so forwarding what the sender posted is
 * what MyGet expects.
 */
const DEFAULT_MAP = 'body'

/**
 * Posts to a MyGet Build Services "HTTP POST hook URL"
 * (`https://www.myget.org/BuildSource/Hook/{feed}?identifier={guid}`). The
 * URL is the secret: its identifier authorises builds. Cooldown defaults to 5m so that pushes
 * during MyGet's own cooldown coalesce instead of being dropped by MyGet.
 *
 * @example
 * ```yaml
 * targets:
 *   myget-feed:
 *     type: myget
 *     url: ${MYGET_HOOK_URL}
 * ```
 */
export const mygetPreset: TargetPreset<MyGetOptions> = {
  type: 'myget',
  optionsSchema,
  secretOptions: ['url'],
  defaultMap: DEFAULT_MAP,
  defaultCooldownMs: MYGET_COOLDOWN_MS,
  buildRequest(mapped: unknown, options: MyGetOptions): OutboundRequest {
    if (mapped === undefined) {
      throw new MappingError('myget needs a body to post, but the map produced nothing')
    }
    return {
      method: 'POST',
      url: options.url,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(mapped),
    }
  },
}
