/** Runs of valid percent escapes; a lone `%` or `%zz` is kept as is, as WHATWG URL parsing keeps it. */
const ESCAPES = /(?:%[0-9a-f]{2})+/gi

/** C0 and C1 control characters and DEL: NUL ends a C string, CR/LF split lines, URL parsers drop tabs. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/

/** What a segment must not contain, raw or once decoded, and why. */
const FORBIDDEN: readonly { test: (text: string) => boolean; why: string }[] = [
  { test: (text) => text === '.' || text === '..', why: '"." and ".." segments are not allowed' },
  { test: (text) => text.includes('/'), why: 'an encoded "/" inside a segment is not allowed' },
  { test: (text) => text.includes('\\'), why: '"\\" is not allowed (some servers read it as "/")' },
  {
    test: (text) => text.includes(';'),
    why: '";" is not allowed (servers that cut path parameters, Tomcat and Spring among them, read "..;" as "..")',
  },
  { test: (text) => CONTROL.test(text), why: 'control characters (NUL, CR, LF, ...) are not allowed' },
]

/**
 * Why one path segment taken from a payload is refused, or null when it is safe. Our own URL
 * parser keeps `%2F` or `%2e%2e` as data, but many targets decode a path before they normalise
 * it, so the segment is checked as sent and after every round of percent-decoding (`%252e%252e`
 * becomes `%2e%2e`, then `..`) until decoding changes nothing more.
 */
export function pathSegmentProblem(segment: string): string | null {
  let text = segment
  for (let round = 0; ; round++) {
    const shown = round === 0 ? `segment ${JSON.stringify(segment)}` : `segment ${JSON.stringify(segment)} decodes to ${JSON.stringify(text)}`
    const hit = FORBIDDEN.find((rule) => rule.test(text))
    if (hit !== undefined) {
      return `${shown}: ${hit.why}`
    }
    let decoded: string
    try {
      decoded = text.replace(ESCAPES, (run) => decodeURIComponent(run))
    } catch {
      // URIError: the bytes are not UTF-8; overlong forms such as %c0%ae ('.') and %c0%af ('/') are among them
      return `${shown}: percent-encoded bytes that are not UTF-8 are not allowed (overlong forms of "." and "/" hide in them)`
    }
    // every round that changes the text makes it shorter, so this ends
    if (decoded === text) {
      return null
    }
    text = decoded
  }
}
