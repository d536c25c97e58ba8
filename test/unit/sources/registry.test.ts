import { describe, expect, it } from 'vitest'
import { sourceTypes } from '../../../src/sources/index.ts'

const names = ['github', 'gitlab', 'bitbucket', 'bitbucket-server', 'gitea', 'proget', 'npm', 'nexus', 'docker-hub', 'harbor', 'generic']

describe('source type registry', () => {
  it('registers every documented type under its own name', () => {
    expect([...sourceTypes.keys()].sort()).toEqual([...names].sort())
    for (const [name, sourceType] of sourceTypes) expect(sourceType.type).toBe(name)
  })

  it.each(names)('%s accepts verify: none and reports unknown option keys', (name) => {
    const schema = sourceTypes.get(name)?.optionsSchema
    expect(schema?.safeParse({}).success).toBe(true)
    expect(schema?.safeParse({ verify: 'none' }).success).toBe(true)
    expect(schema?.safeParse({ verify: 'yes' }).success).toBe(false)
    expect(schema?.safeParse({ nonsense: true }).success).toBe(false)
  })

  it.each(names)('%s refuses everything when it has no secret and no verify: none', (name) => {
    const sourceType = sourceTypes.get(name)
    const req = { method: 'POST', headers: {}, query: {}, rawBody: Buffer.from('{}') }
    const source = { name: 'x', type: name, secrets: [], options: {} }
    expect(() => sourceType?.verify(req, source)).toThrow(/verify: none/)
    expect(() => sourceType?.verify(req, { ...source, options: { verify: 'none' } })).not.toThrow()
  })
})
