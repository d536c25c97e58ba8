/** RFC 9110 token: what a header name may consist of. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/** Control characters other than tab; CR/LF would split the header and inject new ones. */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/

/** HTTP header values are bytes: fetch refuses characters above U+00FF at send time. */
const NOT_LATIN1 = /[^\u0000-\u00ff]/

/**
 * Headers neither the configuration nor a map may set: framing and hop-by-hop headers belong to
 * the HTTP client (undici refuses most of them), and hookyard sets User-Agent and
 * X-Hookyard-Delivery on every request itself.
 */
const RESERVED = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'proxy-connection',
  'user-agent',
  'x-hookyard-delivery',
])

/** Why a header cannot be sent, or null when it can. */
export function headerProblem(name: string, value: string): string | null {
  if (!TOKEN.test(name)) {
    return `header name ${JSON.stringify(name)} is not a valid HTTP token`
  }
  if (RESERVED.has(name.toLowerCase())) {
    return `header ${name} cannot be set (hookyard or the HTTP client sets it)`
  }
  if (CONTROL.test(value)) {
    return `header ${name} has a control character (CR, LF, ...) in its value`
  }
  if (NOT_LATIN1.test(value)) {
    // caught here, a mapped "€" fails the delivery at once with this message instead of being
    // retried as a network error ("Cannot convert argument to a ByteString") until it gives up
    return `header ${name} has a character outside Latin-1 in its value (encode it, e.g. with $encodeUrlComponent)`
  }
  return null
}
