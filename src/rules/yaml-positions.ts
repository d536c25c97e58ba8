import type { LineCounter, Node, Scalar } from 'yaml'
import type { Origin } from './types.ts'

/** One parsed rule file: what turns a node or an offset into `file:line:col`. */
export interface FileLocator {
  /** the path as given (shown in problems) */
  file: string
  text: string
  lineCounter: LineCounter
}

/** 1-based line and column of a character offset in the file. */
export function positionAt(loc: FileLocator, offset: number): Origin {
  let at = Math.max(0, Math.min(offset, loc.text.length))
  // "unexpected end of file" would otherwise point at a line after the last one
  if (at === loc.text.length && loc.text.endsWith('\n')) {
    at = Math.max(0, at - 1)
  }
  const { line, col } = loc.lineCounter.linePos(at)
  return { file: loc.file, line: Math.max(1, line), col: Math.max(1, col) }
}

/** Where a node starts; `fallback` when the node is absent or has no range. */
export function nodeOrigin(loc: FileLocator, node: Node | null | undefined, fallback: Origin): Origin {
  const start = node?.range?.[0]
  return start === undefined ? fallback : positionAt(loc, start)
}

/**
 * Maps a character index of a scalar's parsed value back to an offset in the file.
 *
 * Parsing changes the text: quotes and escapes disappear, block scalars lose their indentation,
 * folded and multi-line plain scalars join lines. Rather than re-implement each YAML rule, this
 * walks the value and the source side by side: every non-whitespace character of the value
 * appears in the source in the same order, so matching them one by one lands on the right
 * character (an escape such as `\u00e9` or an expanded `${VAR}` may drift it by a few).
 */
export function valueIndexToOffset(loc: FileLocator, scalar: Scalar, index: number): number {
  const range = scalar.range
  if (!range) {
    return 0
  }
  const [start, end] = range
  const value = String(scalar.value)
  let cursor = firstContentOffset(loc.text, scalar, start)
  let matched = cursor
  for (let i = 0; i <= index && i < value.length; i++) {
    const ch = value[i] ?? ''
    if (/\s/.test(ch)) {
      if (i === index) {
        return cursor
      }
      continue
    }
    const found = loc.text.indexOf(ch, cursor)
    if (found === -1 || found >= end) {
      return matched
    }
    matched = found
    cursor = found + 1
  }
  return matched
}

function firstContentOffset(text: string, scalar: Scalar, start: number): number {
  switch (scalar.type) {
    case 'BLOCK_LITERAL':
    case 'BLOCK_FOLDED': {
      // the header line (`|`, `>-`, maybe a comment) precedes the content
      const newline = text.indexOf('\n', start)
      return newline === -1 ? start : newline + 1
    }
    case 'QUOTE_DOUBLE':
    case 'QUOTE_SINGLE':
      return start + 1
    default:
      return start
  }
}
