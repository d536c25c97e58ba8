#!/usr/bin/env node
// Runs the compiled package: dist/bundle/, built by `npm run build` (`npm start` and `npm pack` run it too).
import module from 'node:module'

// Node 22 and later keep compiled code between runs (a CI calling `hookyard check` starts faster); Node 20 has no such cache
module.enableCompileCache?.()

let cli
try {
  cli = await import('../dist/bundle/run-cli.js')
} catch (err) {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/bundle/run-cli.js')) {
    process.stderr.write('hookyard: the compiled package is missing (dist/); run "npm run build" (npm start does it too)\n')
    process.exit(1)
  }
  throw err
}
process.exitCode = await cli.runCli(process.argv.slice(2))
