/**
 * Removes keys whose value is null or undefined. JSONata keeps `"branch": push.branch` as null on
 * a tag push; CI APIs read a null branch as "build branch null", so absent and null mean the same.
 */
export function dropNulls(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) {
    if (v !== null && v !== undefined) {
      out[key] = v
    }
  }
  return out
}
