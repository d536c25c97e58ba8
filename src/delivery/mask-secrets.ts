/**
 * Replaces every occurrence of a secret value with `***`, longest first (a secret may contain another).
 * Also masks the URL-encoded and JSON-escaped forms, as secrets travel in form bodies and JSON.
 * Values shorter than 4 characters are left alone: masking them would garble unrelated text.
 */
export function maskSecrets(text: string, secretValues: readonly string[]): string {
  const variants = new Set<string>()
  for (const secret of secretValues) {
    if (secret.length >= 4) {
      variants.add(secret)
      variants.add(encodeURIComponent(secret))
      variants.add(JSON.stringify(secret).slice(1, -1))
    }
  }
  let out = text
  for (const variant of [...variants].sort((a, b) => b.length - a.length)) {
    if (out.includes(variant)) {
      out = out.split(variant).join('***')
    }
  }
  return out
}
