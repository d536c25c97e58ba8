import { describe, expect, it } from 'vitest'
import { sourceTypes } from '../../../src/sources/index.ts'

/** the types that take webhooks; `schedule` fires on its own and takes none */
const webhookNames = ['github', 'gitlab', 'bitbucket', 'bitbucket-server', 'gitea', 'proget', 'npm', 'nexus', 'docker-hub', 'harbor', 'generic', 'standard-webhooks']
const names = [...webhookNames, 'schedule']

describe('source type registry', () => {
  it('registers every documented type under its own name', () => {
    expect([...sourceTypes.keys()].sort()).toEqual([...names].sort())
    for (const [name, sourceType] of sourceTypes) expect(sourceType.type).toBe(name)
  })

  it.each(webhookNames)('%s accepts verify: none and reports unknown option keys', (name) => {
    const schema = sourceTypes.get(name)?.optionsSchema
    expect(schema?.safeParse({}).success).toBe(true)
    expect(schema?.safeParse({ verify: 'none' }).success).toBe(true)
    expect(schema?.safeParse({ verify: 'yes' }).success).toBe(false)
    expect(schema?.safeParse({ nonsense: true }).success).toBe(false)
  })

  it.each(webhookNames)('%s refuses everything when it has no secret and no verify: none', (name) => {
    const sourceType = sourceTypes.get(name)
    const req = { method: 'POST', headers: {}, query: {}, rawBody: Buffer.from('{}') }
    const source = { name: 'x', type: name, secrets: [], options: {} }
    expect(() => sourceType?.verify(req, source)).toThrow(/verify: none/)
    expect(() => sourceType?.verify(req, { ...source, options: { verify: 'none' } })).not.toThrow()
  })

  it('schedule refuses every request, verify: none or not', () => {
    const schedule = sourceTypes.get('schedule')!
    expect(schedule.scheduled).toBe(true)
    const req = { method: 'POST', headers: {}, query: {}, rawBody: Buffer.from('{}') }
    const source = { name: 'nightly', type: 'schedule', secrets: [], options: { cron: '* * * * *' } }
    expect(() => schedule.verify(req, source)).toThrow(/is a schedule/)
    expect(() => schedule.verify(req, { ...source, options: { ...source.options, verify: 'none' } })).toThrow(/is a schedule/)
  })
})
