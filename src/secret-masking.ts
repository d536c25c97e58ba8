import type { RuleSet } from './rules/types.ts'

/**
 * What counts as a secret, and how it is masked: the one place for it. Pure (no I/O), so the
 * source types, the logger, the admin API and the dry run all read the same lists.
 *
 * Three kinds of secret:
 * - values the rule files declare (source secrets, target tokens): masked wherever they occur as
 *   text (`maskSecrets`), in any encoding they travel in;
 * - header and query names whose whole value is a credential, whatever the rules say;
 * - field names the logger never prints (`LOG_REDACT_PATHS`).
 */

export const MASK = '***'

/** Headers and query parameters a sender puts its shared token in verbatim: masked before an event is stored. */
const SOURCE_TOKEN_HEADERS = ['authorization', 'proxy-authorization', 'x-gitlab-token', 'x-hookyard-token']
const SOURCE_TOKEN_QUERY = ['token']

/** Headers whose whole value is a credential, inbound or outbound: never shown by the admin API. */
const CREDENTIAL_HEADERS = [...SOURCE_TOKEN_HEADERS, 'x-apikey', 'x-api-key', 'private-token', 'cookie', 'set-cookie']

/** Signature headers: not a secret once sent, but nothing a log line needs. */
const SIGNATURE_HEADERS = ['x-hub-signature', 'x-hub-signature-256', 'x-gitea-signature', 'x-forgejo-signature', 'x-npm-signature', 'x-nexus-webhook-signature']

/** Headers the logger redacts wherever a `headers` object is logged (top level). */
const LOGGED_HEADERS = ['authorization', 'x-gitlab-token', ...SIGNATURE_HEADERS, 'x-hookyard-token', 'x-apikey']
/** ... and one level down (`*.headers`), the ones an outbound request carries. */
const NESTED_LOGGED_HEADERS = ['authorization', 'x-apikey']
/** Field names whose value the logger never prints. */
const SECRET_FIELDS = ['secret', 'secrets', 'token', 'api_key']

const headerPath = (name: string): string => (/^[a-z_]+$/.test(name) ? `headers.${name}` : `headers[${JSON.stringify(name)}]`)

/** pino redaction paths: flat ones first, then the wildcard ones (costlier per line). */
export const LOG_REDACT_PATHS: readonly string[] = [
  ...LOGGED_HEADERS.map(headerPath),
  ...NESTED_LOGGED_HEADERS.map((name) => `*.${headerPath(name)}`),
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((name) => `*.${name}`),
]

const SOURCE_TOKEN_HEADER_SET = new Set(SOURCE_TOKEN_HEADERS)
const SOURCE_TOKEN_QUERY_SET = new Set(SOURCE_TOKEN_QUERY)
const CREDENTIAL_HEADER_SET = new Set(CREDENTIAL_HEADERS)

function maskNamed(values: Record<string, string>, names: ReadonlySet<string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(values)) out[name] = names.has(name.toLowerCase()) ? MASK : value
  return out
}

/** Envelopes are stored and shown in the UI; a shared token must never travel with them. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return maskNamed(headers, SOURCE_TOKEN_HEADER_SET)
}

export function redactQuery(query: Record<string, string>): Record<string, string> {
  return maskNamed(query, SOURCE_TOKEN_QUERY_SET)
}

/** Every credential header masked by name (admin views of inbound requests, outbound requests and responses). */
export function maskHeaderNames(headers: Record<string, string>): Record<string, string> {
  return maskNamed(headers, CREDENTIAL_HEADER_SET)
}

/**
 * Replaces every occurrence of a secret value with `***`, longest first (a secret may contain another).
 * Also masks the URL-encoded and JSON-escaped forms, as secrets travel in form bodies and JSON.
 * Values shorter than 4 characters are masked only as a whole token (not touching a letter or
 * digit: `Bearer ab`, `"ab"`, `token=ab`): masking them inside words would garble unrelated text.
 */
export function maskSecrets(text: string, secretValues: readonly string[]): string {
  const variants = new Set<string>()
  const short = new Set<string>()
  for (const secret of secretValues) {
    const forms = [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]
    for (const form of forms) (secret.length >= 4 ? variants : short).add(form)
  }
  short.delete('')
  let out = text
  for (const variant of [...variants].sort((a, b) => b.length - a.length)) {
    if (out.includes(variant)) {
      out = out.split(variant).join(MASK)
    }
  }
  for (const variant of [...short].sort((a, b) => b.length - a.length)) {
    if (out.includes(variant)) {
      out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(variant)}(?![\\p{L}\\p{N}])`, 'gu'), MASK)
    }
  }
  return out
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** `Bearer <t>`, `token <t>`, `Basic <t>`: a header value holding a credential after a scheme. */
const SCHEME_CREDENTIAL = /^[A-Za-z][\w-]*[ \t]+(\S{4,})$/

const expanded = new WeakMap<RuleSet, readonly string[]>()

/**
 * The rule set's secret values, plus the bare credential of each `<scheme> <credential>` value:
 * an http target's `Authorization: "Bearer ${TOKEN}"` declares the whole header value, but the
 * token alone (echoed by a target, pasted into a payload) must not show either.
 */
export function adminSecretValues(ruleSet: RuleSet): readonly string[] {
  let values = expanded.get(ruleSet)
  if (!values) {
    const bare = ruleSet.secretValues.flatMap((v) => SCHEME_CREDENTIAL.exec(v)?.[1] ?? [])
    values = [...new Set([...ruleSet.secretValues, ...bare])]
    expanded.set(ruleSet, values)
  }
  return values
}

/**
 * The last line of defence: every string in an admin response body (values and keys) goes
 * through maskSecrets with the current rule set's secret values, whatever built it.
 */
export function maskDeep(value: unknown, secretValues: readonly string[]): unknown {
  if (typeof value === 'string') {
    return maskSecrets(value, secretValues)
  }
  if (Array.isArray(value)) {
    return value.map((item) => maskDeep(item, secretValues))
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      out[maskSecrets(k, secretValues)] = maskDeep(v, secretValues)
    }
    return out
  }
  return value
}
