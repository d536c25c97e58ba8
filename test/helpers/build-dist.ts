import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const ENTRY = fileURLToPath(new URL('../../dist/bundle/run-cli.js', import.meta.url))

/**
 * Runs `npm run build`: compiles src/ into dist/ (incremental: only what changed since the last build), so every
 * spawned `bin/hookyard.js` runs the current sources. Type errors do not stop the emit (tsc
 * emits anyway; `npm run typecheck` reports them); they are printed, and only a missing
 * entry point fails.
 */
export async function buildDist(): Promise<void> {
  const result = await new Promise<{ code: number; output: string }>((resolve) => {
    execFile(process.execPath, ['scripts/build.mjs'], { cwd: ROOT }, (err, stdout, stderr) => {
      resolve({ code: err ? 1 : 0, output: `${stdout}${stderr}` })
    })
  })
  if (result.code !== 0) {
    process.stderr.write(`npm run build reported problems (dist/ was emitted anyway):\n${result.output}\n`)
  }
  if (!existsSync(ENTRY)) {
    throw new Error(`npm run build did not produce ${ENTRY}:\n${result.output}`)
  }
}
