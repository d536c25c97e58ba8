import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { HELP_TEXT } from '../../../src/cli/help-text.ts'
import {
  checkLinks,
  configSchemaKeys,
  configurationTableNames,
  helpTextVariables,
  mentionedCommands,
  ruleVariables,
  upperSnakeNames,
  type LinkWorld,
} from '../../helpers/doc-checks.ts'
import { DOCS_ROOT, docPaths, readDoc } from '../../helpers/markdown-docs.ts'

const pages = new Map(docPaths().map((path) => [path, readDoc(path)]))
const repoFile = (path: string): string => readFileSync(join(DOCS_ROOT, path), 'utf8')

/** Every file under a directory of the repository, concatenated (for "does the code name it"). */
function textUnder(dir: string): string {
  return readdirSync(join(DOCS_ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|mjs|js|ya?ml|json)$/.test(entry.name))
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'))
    .join('\n')
}

/** The files `npm pack` would put in the package (no build: only the list matters). */
function shippedFiles(): Set<string> {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: DOCS_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  const [pack] = JSON.parse(out) as { files: { path: string }[] }[]
  return new Set(pack?.files.map((f) => f.path))
}

describe('links in README.md and docs/*.md', () => {
  let world: LinkWorld
  beforeAll(() => {
    world = {
      kind(path) {
        try {
          return statSync(join(DOCS_ROOT, path)).isDirectory() ? 'dir' : 'file'
        } catch {
          return null
        }
      },
      read: repoFile,
      shipped: shippedFiles(),
    }
  }, 60_000)

  it('the package ships the README, the docs pages and their images', () => {
    for (const path of [...pages.keys(), 'docs/dashboard.png', 'LICENSE']) {
      expect(world.shipped, path).toContain(path)
    }
  })

  it('every relative link and image points to a shipped file, and every #anchor to a heading', () => {
    expect(checkLinks(pages, world)).toEqual([])
  })

  it('reports a missing file, a missing heading and a file the package does not ship', () => {
    const fake: LinkWorld = {
      kind: (path) => ({ 'docs/a.md': 'file', 'docs/b.md': 'file', Dockerfile: 'file', rules: 'dir' } as Record<string, 'file' | 'dir'>)[path] ?? null,
      read: (path) => (path === 'docs/b.md' ? '# Title\n\n## Cooldown and coalescing\n\n```\n# not a heading\n```\n' : ''),
      shipped: new Set(['docs/a.md', 'docs/b.md', 'rules/github.yaml']),
    }
    const page = [
      '[fine](b.md#cooldown-and-coalescing) [dir](../rules/) [web](https://example.com/x.md) `[code](gone.md)`',
      '[gone](gone.md)',
      '![missing image](shot.png)',
      '[no heading](b.md#not-a-heading) [in a code block](b.md#cooldown)',
      '[not shipped](../Dockerfile)',
    ].join('\n')
    expect(checkLinks(new Map([['docs/a.md', page]]), fake)).toEqual([
      'docs/a.md:2: link gone.md: docs/gone.md does not exist',
      'docs/a.md:3: link shot.png: docs/shot.png does not exist',
      'docs/a.md:4: link b.md#not-a-heading: docs/b.md has no heading with the anchor #not-a-heading',
      'docs/a.md:4: link b.md#cooldown: docs/b.md has no heading with the anchor #cooldown',
      'docs/a.md:5: link ../Dockerfile: Dockerfile is not in the package (add it to "files" in package.json, or name it in a code span)',
    ])
  })
})

describe('commands named in the docs', () => {
  const runCli = repoFile('src/cli/run-cli.ts')
  const commands = new Set([...runCli.matchAll(/case '([a-z-]+)':/g)].map((m) => m[1]))
  commands.add('help')

  it('reads the commands from the CLI', () => {
    expect([...commands].sort()).toEqual(expect.arrayContaining(['check', 'help', 'init', 'redeliver', 'serve', 'test']))
  })

  it('every `hookyard <command>` in code is a command of the CLI', () => {
    const mentioned = mentionedCommands(pages)
    expect(mentioned.length).toBeGreaterThan(20)
    expect(mentioned.filter((m) => !commands.has(m.command))).toEqual([])
  })

  it('finds commands in code spans and blocks, not in prose', () => {
    const page = 'hookyard answers `202`; run `npx hookyard chek rules`\n\n```sh\nnode bin/hookyard.js serve --role worker\n```\n'
    expect(mentionedCommands(new Map([['x.md', page]])).map((m) => m.command)).toEqual(['chek', 'serve'])
  })
})

describe('environment variables named in the docs', () => {
  const configKeys = configSchemaKeys(repoFile('src/config.ts'))
  const tableNames = configurationTableNames(repoFile('docs/configuration.md'))
  /** names hookyard does not read but the docs may mention: Node's own, and the screenshot switch of the dashboard test */
  const outside = new Set(['NODE_OPTIONS', 'UPDATE_SCREENSHOTS'])
  const code = [textUnder('src'), textUnder('bench'), textUnder('scripts'), textUnder('rules'), repoFile('docker-compose.yml')].join('\n')
  const ruleVars = new Set([...pages.values(), code].flatMap(ruleVariables))

  it('reads the variables of src/config.ts', () => {
    expect(configKeys).toEqual(expect.arrayContaining(['PORT', 'REDIS_URL', 'HOOKYARD_ADMIN_TOKEN', 'EMBEDDED_REDIS_MAXMEMORY']))
  })

  it('every variable src/config.ts reads is in the configuration table and in the help text', () => {
    expect(configKeys.filter((key) => !tableNames.includes(key))).toEqual([])
    expect([...helpTextVariables(HELP_TEXT)].sort()).toEqual([...configKeys].sort())
  })

  it('the configuration table and every HOOKYARD_ name are variables src/config.ts reads', () => {
    expect(tableNames.filter((name) => !configKeys.includes(name))).toEqual([])
    const hookyardNames = upperSnakeNames(pages).filter((n) => n.name.startsWith('HOOKYARD_'))
    expect(hookyardNames.length).toBeGreaterThan(3)
    expect(hookyardNames.filter((n) => !configKeys.includes(n.name))).toEqual([])
  })

  it('every other UPPER_SNAKE name is a rule variable, a benchmark variable or a name the code uses', () => {
    const unknown = upperSnakeNames(pages).filter(({ name }) => !configKeys.includes(name) && !ruleVars.has(name) && !outside.has(name) && !code.includes(name))
    expect(unknown).toEqual([])
  })
})
