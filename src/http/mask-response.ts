import { maskSecrets } from '../delivery/mask-secrets.ts'
import type { RuleSet } from '../rules/types.ts'
import { MASK } from '../sources/redact.ts'

/** Headers whose whole value is a credential, inbound or outbound, whatever the rule set says. */
const CREDENTIAL_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'x-apikey',
  'x-api-key',
  'private-token',
  'x-gitlab-token',
  'x-hookyard-token',
  'cookie',
  'set-cookie',
])

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

/** Largest body text an admin response carries; the rest is cut and flagged. */
export const BODY_EXCERPT_BYTES = 64 * 1024

export function maskHeaderNames(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    out[name] = CREDENTIAL_HEADERS.has(name.toLowerCase()) ? MASK : value
  }
  return out
}

/**
 * Secrets are masked before the cut: cutting first could leave the head of a secret that
 * straddles the boundary unmasked.
 */
export function bodyExcerpt(body: Buffer | string, secretValues: readonly string[]): { body: string; body_truncated: boolean } {
  const masked = maskSecrets(typeof body === 'string' ? body : body.toString('utf8'), secretValues)
  const bytes = Buffer.from(masked, 'utf8')
  if (bytes.length <= BODY_EXCERPT_BYTES) {
    return { body: masked, body_truncated: false }
  }
  return { body: bytes.subarray(0, BODY_EXCERPT_BYTES).toString('utf8'), body_truncated: true }
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
