import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Ajv } from 'ajv'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { ruleFileJsonSchema } from '../../../src/rules/rule-file-schema.ts'

const SCHEMA_PATH = fileURLToPath(new URL('../../../schema/rules.schema.json', import.meta.url))
const RULES_DIR = fileURLToPath(new URL('../../../rules/', import.meta.url))
const HEADER = '# yaml-language-server: $schema=../schema/rules.schema.json'

const committed = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as Record<string, unknown>
const validate = new Ajv({ allErrors: true }).compile(committed)
const shipped = readdirSync(RULES_DIR).filter((name) => /\.(ya?ml|json)$/.test(name))

/** What an editor sees: the YAML as written, before `${VAR}` expansion. */
function read(name: string): unknown {
  return parse(readFileSync(`${RULES_DIR}${name}`, 'utf8'), { merge: true })
}

function errorsOf(value: unknown): string {
  return validate(value) ? '' : JSON.stringify(validate.errors)
}

describe('schema/rules.schema.json', () => {
  it('is the schema the current definitions generate', () => {
    expect(
      committed,
      'schema/rules.schema.json is out of date: run "npm run schema" and commit schema/rules.schema.json'
    ).toEqual(ruleFileJsonSchema())
  })

  it.each(shipped)('accepts the shipped rule file %s, which names it in its first line', (name) => {
    expect(readFileSync(`${RULES_DIR}${name}`, 'utf8').split('\n')[0]).toBe(HEADER)
    expect(errorsOf(read(name))).toBe('')
  })

  it('rejects a misspelled key wherever it is', () => {
    const github = read('github.yaml') as { sources: { github: Record<string, unknown> }; routes: Record<string, unknown>[] }
    const source = structuredClone(github)
    source.sources.github['secert'] = source.sources.github['secret']
    delete source.sources.github['secret']
    expect(errorsOf(source)).toContain('secert')

    const route = structuredClone(github)
    route.routes[0] = { ...route.routes[0], wen: 'true' }
    expect(errorsOf(route)).toContain('wen')

    expect(errorsOf({ ...github, route: [] })).toContain('route')
  })

  it('rejects an option the preset does not have, a wrong option value and a missing required option', () => {
    const target = (extra: Record<string, unknown>): unknown => ({
      targets: { ci: { type: 'gitlab', url: 'https://gitlab.example.com', project: 'group/app', token: 't', ...extra } },
    })
    expect(errorsOf(target({}))).toBe('')
    expect(errorsOf(target({ app_slug: 'x' }))).toContain('app_slug')
    expect(errorsOf(target({ api: 'v5' }))).not.toBe('')
    expect(errorsOf(target({ retry: { attempts: 0 } }))).not.toBe('')
    expect(errorsOf(target({ timeout: 'ten seconds' }))).not.toBe('')
    expect(errorsOf({ targets: { ci: { type: 'bitrise', token: 't' } } })).toContain('app_slug')
    expect(errorsOf({ targets: { ci: { type: 'jenkins', url: 'https://ci.example.com' } } })).not.toBe('')
  })

  it('accepts ${VAR} references where the expanded value is a number or a choice', () => {
    const file = {
      targets: {
        ci: { type: 'gitlab', url: '${GITLAB_URL}', project: 'p', token: 't', api: '${GITLAB_API:-v4}', retry: { attempts: '${ATTEMPTS:-8}' } },
      },
    }
    expect(errorsOf(file)).toBe('')
  })
})
