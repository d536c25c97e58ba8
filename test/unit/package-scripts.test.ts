import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string>; files: string[] }

/**
 * npm lists these as a package's install scripts and warns about them on every install of the
 * packed package (and `prepare` would name scripts/build.mjs, which the package does not ship).
 */
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare']

describe('package.json scripts', () => {
  it('has no script npm runs or warns about when the packed package is installed', () => {
    expect(INSTALL_SCRIPTS.filter((name) => name in pkg.scripts)).toEqual([])
  })

  it('still builds dist/ where it is needed: before `npm start` in a clone, and before `npm pack` and `npm publish`', () => {
    expect(pkg.scripts['prestart']).toBe('node scripts/build.mjs')
    expect(pkg.scripts['prepack']).toBe('node scripts/build.mjs')
    expect(pkg.files).toContain('dist')
  })
})
