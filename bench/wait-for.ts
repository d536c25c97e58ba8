import { setTimeout as sleep } from 'node:timers/promises'

/** Polls `check` every 20 ms until it holds or `timeoutMs` passes; says which. */
export async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() >= deadline) return false
    await sleep(20)
  }
  return true
}
