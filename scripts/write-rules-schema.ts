/** `npm run schema`: regenerates schema/rules.schema.json from the definitions in src/. */
import { writeFileSync } from 'node:fs'
import { ruleFileJsonSchema } from '../src/rules/rule-file-schema.ts'

const path = new URL('../schema/rules.schema.json', import.meta.url)
writeFileSync(path, `${JSON.stringify(ruleFileJsonSchema(), null, 2)}\n`)
process.stdout.write('wrote schema/rules.schema.json\n')
