/**
 * The parts of a configured target URL that may be credentials, as secret values to mask: every
 * query value (`?token=...`; the key stays readable, `?token=***`) and the user info
 * (`https://user:pass@host/`: the password, or the user name when it stands alone, as a token
 * often goes there). The URL options refuse user info today; it is masked all the same, so no
 * output depends on that. Each value is returned as written in the URL, decoded, and as
 * URLSearchParams writes it back (a map's `query` re-encodes the whole query); maskSecrets adds
 * the other forms. Not an absolute URL: nothing (the option schema reports it).
 */
export function urlSecretValues(text: string): string[] {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return []
  }
  const written: string[] = []
  if (url.password !== '') {
    written.push(url.password)
  } else if (url.username !== '') {
    written.push(url.username)
  }
  for (const pair of url.search.slice(1).split('&')) {
    const equals = pair.indexOf('=')
    if (equals !== -1) written.push(pair.slice(equals + 1))
  }
  return written.flatMap((value) => {
    const decoded = decode(value)
    return [value, decoded, new URLSearchParams([['', decoded]]).toString().slice(1)]
  })
}

/** Form decoding (`+` is a space), as URLSearchParams reads a query; malformed `%` escapes stay as written. */
function decode(value: string): string {
  try {
    return decodeURIComponent(value.replaceAll('+', ' '))
  } catch {
    return value
  }
}
