import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { STARTER_CASE, STARTER_FILES, STARTER_PAYLOAD, starterRules } from './starter-rules.ts'

/** The package's JSON Schema (dist/cli/ and src/cli/ are both two levels below the package root). */
const SCHEMA = fileURLToPath(new URL('../../schema/rules.schema.json', import.meta.url))

/**
 * `hookyard init [DIR]`: writes a starter rules directory and prints the relay URL and the next
 * commands. Refuses a directory that already has files, so it never overwrites rules.
 */
export function initCommand(dir: string, env: Record<string, string | undefined>, out: NodeJS.WritableStream, err: NodeJS.WritableStream): number {
  const root = resolve(dir)
  if (existsSync(root) && readdirSync(root).length > 0) {
    err.write(`hookyard init: ${dir} is not empty; give a new directory (hookyard init DIR)\n`)
    return 1
  }
  const schemaPath = relative(root, SCHEMA).split(sep).join('/')
  const files: Record<string, string> = {
    [STARTER_FILES.rules]: starterRules(schemaPath),
    [STARTER_FILES.testCase]: STARTER_CASE,
    [STARTER_FILES.payload]: STARTER_PAYLOAD,
  }
  for (const [name, text] of Object.entries(files)) {
    const path = join(root, name)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, text)
  }
  const port = env['PORT'] ?? '8080'
  const rules = dir.includes(' ') ? JSON.stringify(dir) : dir
  const payload = `${rules}/${STARTER_FILES.payload}`
  out.write(`wrote ${dir}/${STARTER_FILES.rules}, ${dir}/${STARTER_FILES.testCase} and its payload

Relay URL (in GitHub: Settings -> Webhooks, content type application/json, secret: the value of
GITHUB_WEBHOOK_SECRET, which is "change-me" until you set it):
  http://localhost:${port}/hooks/github

Next:
  1. run the regression case (no Redis, nothing is sent):
     npx hookyard test --rules ${rules}
  2. start the relay (a private redis-server from PATH unless REDIS_URL is set):
     npx hookyard serve --rules ${rules}
  3. from a second terminal, send a signed test push (a new delivery id each run, so a second run is
     not ignored as a duplicate):
     curl -i http://localhost:${port}/hooks/github -H 'Content-Type: application/json' -H 'X-GitHub-Event: push' \\
       -H "X-GitHub-Delivery: $(openssl rand -hex 16)" \\
       -H "X-Hub-Signature-256: sha256=$(openssl dgst -sha256 -hmac "\${GITHUB_WEBHOOK_SECRET:-change-me}" < ${payload} | sed 's/.* //')" \\
       --data-binary @${payload}
`)
  return 0
}
