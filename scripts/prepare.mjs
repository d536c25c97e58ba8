// `prepare` (npm install / npm ci in a clone): builds dist/. With --omit=dev there is no
// TypeScript to build with; that install is for running a dist/ built elsewhere, so it says so
// instead of failing.
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'

let tsc
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
} catch {
  process.stderr.write('hookyard: TypeScript is not installed (--omit=dev?): dist/ not built; "npm run build" needs the development dependencies\n')
  process.exit(0)
}
try {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit', cwd: new URL('..', import.meta.url) })
} catch {
  process.exit(1)
}
