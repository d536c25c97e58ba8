/**
 * The checks of the docs link test, as pure functions over page texts: each returns the problems
 * it found as readable lines ("docs/a.md:12: ..."), an empty list when all is well.
 */
import { posix } from 'node:path'
import { codeSpans, findLinks, headingAnchors, splitMarkdown } from './markdown-docs.ts'

/** page path (relative to the repository root) -> its text */
export type Pages = ReadonlyMap<string, string>

export interface LinkWorld {
  /** what a repository-relative path is: a file, a directory, or nothing */
  kind(path: string): 'file' | 'dir' | null
  /** the text of a Markdown file a link points into (for its headings) */
  read(path: string): string
  /** the files the package ships, repository-relative */
  shipped: ReadonlySet<string>
}

const EXTERNAL = /^[a-z][a-z0-9+.-]*:/i

/** Every relative link and image resolves, its #anchor names a heading, and the package ships its file. */
export function checkLinks(pages: Pages, world: LinkWorld): string[] {
  const problems: string[] = []
  for (const [page, text] of pages) {
    for (const { target, line } of findLinks(text)) {
      if (EXTERNAL.test(target)) continue
      const where = `${page}:${line}: link ${target}`
      const [pathPart = '', anchor] = target.split('#', 2)
      const file = pathPart === '' ? page : posix.normalize(posix.join(posix.dirname(page), decodeURI(pathPart))).replace(/\/$/, '')
      if (file.startsWith('..')) {
        problems.push(`${where} leaves the repository`)
        continue
      }
      const kind = world.kind(file)
      if (kind === null) {
        problems.push(`${where}: ${file} does not exist`)
        continue
      }
      const shipped = kind === 'file' ? world.shipped.has(file) : [...world.shipped].some((s) => s.startsWith(`${file}/`))
      if (!shipped) {
        problems.push(`${where}: ${file} is not in the package (add it to "files" in package.json, or name it in a code span)`)
      }
      if (anchor !== undefined) {
        if (kind !== 'file' || !file.endsWith('.md')) {
          problems.push(`${where}: an #anchor needs a Markdown file`)
        } else if (!headingAnchors(world.read(file)).has(anchor)) {
          problems.push(`${where}: ${file} has no heading with the anchor #${anchor}`)
        }
      }
    }
  }
  return problems
}

/**
 * The commands that code spans and code blocks run: `npx hookyard serve ...`, `node
 * bin/hookyard.js check`, or a span or line that starts with `hookyard test`. Prose and
 * comments may use "hookyard" as a name, and output blocks are what a command printed, so
 * neither is read.
 */
export function mentionedCommands(pages: Pages): { page: string; command: string }[] {
  const found: { page: string; command: string }[] = []
  for (const [page, text] of pages) {
    const { prose, blocks } = splitMarkdown(text)
    const commandBlocks = blocks.filter((b) => !b.comment?.startsWith('output-of:') && ['', 'sh', 'bash', 'shell'].includes(b.lang))
    const code = [...codeSpans(prose), ...commandBlocks.map((b) => b.text), ...blocks.map((b) => b.comment ?? '')]
    for (const snippet of code) {
      for (const m of snippet.matchAll(/(?:^|npx[ \t]+|bin\/)hookyard(?:\.js)?[ \t]+([a-z][a-z-]*)/gm)) {
        found.push({ page, command: m[1] ?? '' })
      }
    }
  }
  return found
}

const UPPER_SNAKE = /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g

/** Every UPPER_SNAKE name on the pages, once per page. */
export function upperSnakeNames(pages: Pages): { page: string; name: string }[] {
  return [...pages].flatMap(([page, text]) => [...new Set(text.match(UPPER_SNAKE) ?? [])].map((name) => ({ page, name })))
}

/** The variable names in the first column of the configuration page's table. */
export function configurationTableNames(text: string): string[] {
  return splitMarkdown(text)
    .prose.map((line) => /^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined)
}

/** The keys of the zod schema in src/config.ts: the environment variables `serve` reads. */
export function configSchemaKeys(configSource: string): string[] {
  const body = /const schema = z\.object\(\{([\s\S]*?)\n\}\)/.exec(configSource)?.[1]
  if (body === undefined) throw new Error('src/config.ts: no `const schema = z.object({ ... })` found')
  return [...body.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1] ?? '')
}

/** The names listed under "Environment:" in the help text. */
export function helpTextVariables(helpText: string): string[] {
  const section = /\nEnvironment:\n([\s\S]*?)\(see /.exec(helpText)?.[1] ?? ''
  return section.match(/\b[A-Z][A-Z0-9_]*\b/g) ?? []
}

/** `${NAME}` references: the variables rule files (and their examples) read. */
export function ruleVariables(text: string): string[] {
  return [...text.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1] ?? '')
}

/**
 * Whether a command's output matches the text the docs show for it. Trailing spaces and blank
 * lines at the end do not count; in the expected text `…` stands for any text within a line, and
 * a line of just `…` for any number of lines.
 */
export function outputMatches(actual: string, expected: string): boolean {
  const lines = (text: string): string[] => text.replace(/\s+$/, '').split('\n').map((l) => l.trimEnd())
  const have = lines(actual)
  const want = lines(expected)
  const matchFrom = (i: number, j: number): boolean => {
    if (j === want.length) return i === have.length
    if (want[j] === '…') return matchFrom(i, j + 1) || (i < have.length && matchFrom(i + 1, j))
    return i < have.length && lineMatches(have[i] ?? '', want[j] ?? '') && matchFrom(i + 1, j + 1)
  }
  return matchFrom(0, 0)
}

function lineMatches(actual: string, expected: string): boolean {
  if (!expected.includes('…')) return actual === expected
  const pattern = expected
    .split('…')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*?')
  return new RegExp(`^${pattern}$`).test(actual)
}

/**
 * Whether a JSON value matches the one the docs show: the same shape and values, where a string
 * with `…` in the docs stands for any string of that form (`"ev_mhx…-1"`, an id).
 */
export function jsonMatches(actual: unknown, expected: unknown): boolean {
  if (typeof expected === 'string' && expected.includes('…')) {
    return typeof actual === 'string' && lineMatches(actual, expected)
  }
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => jsonMatches(actual[i], e))
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false
    const a = actual as Record<string, unknown>
    const e = expected as Record<string, unknown>
    const keys = Object.keys(e)
    return keys.length === Object.keys(a).length && keys.every((k) => k in a && jsonMatches(a[k], e[k]))
  }
  return actual === expected
}
