/** `npm run api-docs`: regenerates docs/openapi.json and docs/admin-api.md from the admin route definitions in src/. */
import { writeFileSync } from 'node:fs'
import { adminApiDocument } from '../src/http/admin-api-document.ts'
import { adminApiMarkdown, type ApiDocument } from './admin-api-markdown.ts'

const json = `${JSON.stringify(adminApiDocument(), null, 2)}\n`
writeFileSync(new URL('../docs/openapi.json', import.meta.url), json)
// the page is rendered from the document as written, as a reader of docs/openapi.json sees it
writeFileSync(new URL('../docs/admin-api.md', import.meta.url), adminApiMarkdown(JSON.parse(json) as ApiDocument))
process.stdout.write('wrote docs/openapi.json and docs/admin-api.md\n')
