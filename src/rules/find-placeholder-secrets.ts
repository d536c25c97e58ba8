import type { Env } from './expand-variables.ts'

/** The example rules' placeholder defaults: fine for a first start, never for production. */
const PLACEHOLDER_DEFAULT = /\$\{([A-Za-z_][A-Za-z0-9_]*):-(change-me[\w-]*)\}/g

export interface PlaceholderUse {
  file: string
  /** the variables to set, in file order, each once */
  variables: string[]
}

/**
 * The `${VAR:-change-me}` references whose variable is unset or empty, so the placeholder is in
 * use, grouped by file: the start-up warning names exactly what to set where.
 */
export function findPlaceholderSecrets(files: readonly { path: string; text: string }[], env: Env): PlaceholderUse[] {
  const uses: PlaceholderUse[] = []
  for (const file of files) {
    const variables = new Set<string>()
    for (const line of file.text.split('\n')) {
      if (line.trimStart().startsWith('#')) continue // commented-out examples are not in use
      for (const match of line.matchAll(PLACEHOLDER_DEFAULT)) {
        const name = match[1] ?? ''
        if (!env[name]) variables.add(name)
      }
    }
    if (variables.size > 0) uses.push({ file: file.path, variables: [...variables] })
  }
  return uses
}
