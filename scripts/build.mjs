// `npm run build`, and `prepare` (npm install / npm ci in a clone): compiles src/ into dist/ and
// copies the dashboard's static assets beside the compiled code that serves them. With
// --omit=dev there is no TypeScript to build with; that install is for running a dist/ built
// elsewhere, so it says so instead of failing.
import { execFileSync } from 'node:child_process'
import { cpSync } from 'node:fs'
import { createRequire } from 'node:module'

const root = new URL('..', import.meta.url)
let tsc
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
} catch {
  process.stderr.write('hookyard: TypeScript is not installed (--omit=dev?): dist/ not built; "npm run build" needs the development dependencies\n')
  process.exit(0)
}
let failed = false
try {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit', cwd: root })
} catch {
  // tsc emits even with type errors; the assets are still copied so dist/ stays whole
  failed = true
}
cpSync(new URL('src/http/ui/assets/', root), new URL('dist/http/ui/assets/', root), { recursive: true })
process.exit(failed ? 1 : 0)
