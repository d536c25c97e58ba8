#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so `npx hookyard` works right after `npm install`.
import { register } from 'tsx/esm/api'

register()
const { runCli } = await import('../src/cli/run-cli.ts')
process.exitCode = await runCli(process.argv.slice(2))
