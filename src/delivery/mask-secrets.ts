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
      out = out.split(variant).join('***')
    }
  }
  for (const variant of [...short].sort((a, b) => b.length - a.length)) {
    if (out.includes(variant)) {
      out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(variant)}(?![\\p{L}\\p{N}])`, 'gu'), '***')
    }
  }
  return out
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
