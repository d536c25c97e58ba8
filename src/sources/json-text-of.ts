/**
 * The JSON text a large parsed body came from. A slow expression runs on a worker thread, and
 * handing the thread a 1 MB body as text costs a copy of a string (under a millisecond) where
 * cloning the parsed object graph costs tens of milliseconds of the event loop. The thread parses
 * the text again with the same parser (parse-body.ts's parseJson), so it sees the same value.
 */
const texts = new WeakMap<object, string>()

/** Below this, cloning the parsed value is cheaper than parsing it again on the thread. */
export const JSON_TEXT_MIN_LENGTH = 64 * 1024

/** Records that `value` is what parseJson(`text`) returns; bodies parsed once are never modified. */
export function rememberJsonText(value: unknown, text: string): void {
  if (text.length >= JSON_TEXT_MIN_LENGTH && typeof value === 'object' && value !== null) texts.set(value, text)
}

/** The text `value` was parsed from, when it is a large parsed body. */
export function jsonTextOf(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? texts.get(value) : undefined
}
