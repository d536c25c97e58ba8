import { describe, expect, it } from 'vitest'
import { expandVariables } from '../../../src/rules/expand-variables.ts'

describe('expandVariables', () => {
  const env = { SECRET: 's3cret', EMPTY: '', HOST: 'ci.internal' }

  it('replaces ${NAME} with the variable', () => {
    expect(expandVariables('${SECRET}', env)).toEqual({ value: 's3cret', issues: [] })
    expect(expandVariables('https://${HOST}/hook?x=${SECRET}', env).value).toBe('https://ci.internal/hook?x=s3cret')
  })

  it('uses ${NAME:-default} when the variable is unset or empty', () => {
    expect(expandVariables('${MISSING:-fallback}', env).value).toBe('fallback')
    expect(expandVariables('${EMPTY:-fallback}', env).value).toBe('fallback')
    expect(expandVariables('${HOST:-fallback}', env).value).toBe('ci.internal')
    expect(expandVariables('${MISSING:-}', env).value).toBe('')
    expect(expandVariables('${MISSING:-http://a:8080/x}', env).value).toBe('http://a:8080/x')
  })

  it('keeps a set-but-empty variable as a value', () => {
    expect(expandVariables('${EMPTY}', env)).toEqual({ value: '', issues: [] })
  })

  it('reports an unresolved variable with its name and index', () => {
    expect(expandVariables('Bearer ${TOKEN}', env)).toEqual({ value: 'Bearer ${TOKEN}', issues: [{ index: 7, name: 'TOKEN' }] })
  })

  it('treats $${ as a literal ${', () => {
    expect(expandVariables('$${SECRET} and ${SECRET}', env)).toEqual({ value: '${SECRET} and s3cret', issues: [] })
  })

  it('reports malformed references', () => {
    expect(expandVariables('${1BAD}', env).issues).toEqual([{ index: 0, name: null }])
    expect(expandVariables('x ${UNCLOSED', env).issues).toEqual([{ index: 2, name: null }])
  })

  it('leaves text without references alone (including JSONata $functions)', () => {
    expect(expandVariables('$lowercase(event) = "push"', env)).toEqual({ value: '$lowercase(event) = "push"', issues: [] })
  })
})
