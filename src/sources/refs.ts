/** Git ref and SHA helpers shared by every push normalizer. */

const ZERO_SHA = /^0+$/

/** Senders write an all-zeros SHA for "no commit" (ref created or deleted). */
export function isZeroSha(sha: string | null): boolean {
  return sha === null || ZERO_SHA.test(sha)
}

/** The SHA, or null when it is the all-zeros placeholder: the view never carries fake commits. */
export function realSha(sha: string | null): string | null {
  return isZeroSha(sha) ? null : sha
}

export function branchOf(ref: string | null): string | null {
  return ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null
}

export function tagOf(ref: string | null): string | null {
  return ref?.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : null
}
