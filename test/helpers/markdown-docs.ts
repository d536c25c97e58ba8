/**
 * Reads the README and docs/*.md the way the docs tests need them: links and images outside code,
 * headings as GitHub slugs them, code spans and fenced blocks with the HTML comment above each.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import GithubSlugger from 'github-slugger'

export const DOCS_ROOT = join(import.meta.dirname, '../..')

/** README.md and every docs/*.md page, as paths relative to the repository root. */
export function docPaths(): string[] {
  const pages = readdirSync(join(DOCS_ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`)
  return ['README.md', ...pages]
}

export function readDoc(path: string): string {
  return readFileSync(join(DOCS_ROOT, path), 'utf8')
}

export interface FencedBlock {
  /** the info string after the opening fence (`sh`, `yaml`, or empty) */
  lang: string
  /** the lines between the fences, without their common indentation */
  text: string
  /** the HTML comment on the line right above the opening fence, if any (without `<!--`/`-->`) */
  comment: string | null
  /** 1-based line of the opening fence */
  line: number
}

/** Splits a page into prose lines (code blocks blanked, so line numbers stay) and fenced blocks. */
export function splitMarkdown(text: string): { prose: string[]; blocks: FencedBlock[] } {
  const lines = text.split('\n')
  const prose: string[] = []
  const blocks: FencedBlock[] = []
  let open: { lang: string; indent: string; start: number; body: string[] } | null = null
  lines.forEach((line, i) => {
    const fence = /^(\s*)```\s*(\S*)/.exec(line)
    if (open) {
      if (fence) {
        const previous = lines[open.start - 1]?.trim() ?? ''
        const comment = /^<!--\s*(.*?)\s*-->$/.exec(previous)?.[1] ?? null
        const indent = open.indent
        const body = open.body.map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
        blocks.push({ lang: open.lang, text: body.join('\n'), comment, line: open.start + 1 })
        open = null
      } else {
        open.body.push(line)
      }
      prose.push('')
    } else if (fence) {
      open = { lang: fence[2] ?? '', indent: fence[1] ?? '', start: i, body: [] }
      prose.push('')
    } else {
      prose.push(line)
    }
  })
  return { prose, blocks }
}

/** The contents of the inline code spans of some prose lines. */
export function codeSpans(prose: string[]): string[] {
  return prose.flatMap((line) => [...line.matchAll(/(`+)(.+?)\1/g)].map((m) => m[2] ?? ''))
}

export interface Link {
  target: string
  line: number
}

/** Links and images `[text](target)` / `![alt](target)` in prose, code spans excluded. */
export function findLinks(text: string): Link[] {
  const { prose } = splitMarkdown(text)
  return prose.flatMap((raw, i) => {
    // link texts may be code (`[`rules/`](rules/)`): drop code spans, keep the brackets around them
    const line = raw.replace(/(`+)(.+?)\1/g, '')
    return [...line.matchAll(/\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => ({ target: m[1] ?? '', line: i + 1 }))
  })
}

/** The anchors GitHub gives a page's headings (duplicates numbered as GitHub does). */
export function headingAnchors(text: string): Set<string> {
  const slugger = new GithubSlugger()
  const anchors = new Set<string>()
  for (const line of splitMarkdown(text).prose) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)
    if (heading) {
      // GitHub slugs the rendered text: code spans lose their backticks, links keep their text
      const rendered = (heading[1] ?? '').replace(/`/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      anchors.add(slugger.slug(rendered))
    }
  }
  return anchors
}
