import { sleep } from './sleep.ts'

/** Closes one thing a start-up part opened. */
export type Closer = () => unknown

/** A failed start closes what it opened; with Redis unreachable a graceful close could wait forever. */
const FAILED_START_CLOSE_MS = 2_000

/** Closes what a failed start opened, newest first, each given a bounded time. */
export async function closeOpened(opened: Closer[]): Promise<void> {
  for (const close of [...opened].reverse()) {
    await Promise.race([Promise.resolve().then(close).catch(() => undefined), sleep(FAILED_START_CLOSE_MS)])
  }
}
