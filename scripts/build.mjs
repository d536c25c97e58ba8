// `npm run build`, `prestart` (npm start in a clone) and `prepack` (npm pack and npm publish, so a
// package always ships a fresh dist/). Not `prepare`: npm lists that as an install script of the
// package and warns on every install of it, though this file is not shipped. Two steps:
//  1. tsc compiles src/ into dist/ (JS, declarations, source maps): the package's modules.
//  2. esbuild bundles the CLI from that output into dist/bundle/ (one chunk per command, split
//     where commands share code), which is what bin/hookyard.js runs. Loading a few chunks
//     instead of ~300 modules is what keeps `hookyard check` fast and an idle `serve` small:
//     node keeps every module's source, bytecode and loader records for the life of the process,
//     and compiling hundreds of files leaves the allocator fragmented (measured: 84 MiB idle RSS
//     with dist/ modules, 69 MiB with the bundle, for the same imports).
// The dashboard's static assets go beside the code that serves them, in both places.
// With --omit=dev there is no TypeScript to build with; that install is for running a dist/
// built elsewhere, so it says so instead of failing.
import { execFileSync } from 'node:child_process'
import { cpSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const root = new URL('..', import.meta.url)
const require = createRequire(import.meta.url)
let tsc
try {
  tsc = require.resolve('typescript/bin/tsc')
} catch {
  process.stderr.write('hookyard: TypeScript is not installed (--omit=dev?): dist/ not built; "npm run build" needs the development dependencies\n')
  process.exit(0)
}
let failed = false
try {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit', cwd: root })
} catch {
  // tsc emits even with type errors; the rest still runs so dist/ stays whole
  failed = true
}

const bundleDir = new URL('dist/bundle/', root)
rmSync(bundleDir, { recursive: true, force: true })
const { build } = await import('esbuild')
await build({
  absWorkingDir: fileURLToPath(root),
  // slow JSONata runs on worker threads, which load this module by its file name (mapping/expression-pool.ts)
  entryPoints: { 'run-cli': 'dist/cli/run-cli.js', 'expression-worker': 'dist/mapping/expression-worker.js' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // whitespace and syntax only: identifiers keep their names, so stack traces in logs stay readable
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  // a native add-on found next to its package at run time; bundling would cut it off (msgpackr falls back to JS)
  external: ['msgpackr-extract'],
  // bundled CommonJS dependencies require node's built-in modules
  banner: { js: "import { createRequire as __hookyardCreateRequire } from 'node:module'; const require = __hookyardCreateRequire(import.meta.url);" },
  logLevel: 'warning',
})

// dist/bundle/ sits two levels below the package root like dist/cli/, so paths relative to the code
// (../../package.json, ../../schema/) resolve the same from both
for (const dir of ['dist/http/ui/assets/', 'dist/bundle/assets/']) {
  cpSync(new URL('src/http/ui/assets/', root), new URL(dir, root), { recursive: true })
}
process.exit(failed ? 1 : 0)
