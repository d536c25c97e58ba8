import { describe, expect, it } from 'vitest'
import { expectMappingError } from './expect-mapping-error.ts'
import { mygetPreset } from '../../../src/targets/myget.ts'
import { branchPush, evaluateMap, jsonBody, optionIssues } from './sample-envelopes.ts'

const HOOK = 'https://www.myget.org/BuildSource/Hook/myfeed?identifier=0e2b5e1c-7d5b-4c41-9a8e-2f1f1c6f0b7a'
const options = mygetPreset.optionsSchema.parse({ url: HOOK })

describe('myget preset', () => {
  it('posts the mapped body as JSON to the hook URL, identifier kept', () => {
    const request = mygetPreset.buildRequest({ ref: 'refs/heads/main' }, options)
    expect(request).toEqual({
      method: 'POST',
      url: HOOK,
      headers: { 'Content-Type': 'application/json' },
      body: '{"ref":"refs/heads/main"}',
    })
  })

  it('posts any JSON value', () => {
    expect(mygetPreset.buildRequest('build', options).body).toBe('"build"')
    expect(mygetPreset.buildRequest(null, options).body).toBe('null')
    expect(mygetPreset.buildRequest([1, 2], options).body).toBe('[1,2]')
  })

  it('fails when the map produced nothing', () => {
    expectMappingError(
      () => mygetPreset.buildRequest(undefined, options),
      'myget needs a body to post, but the map produced nothing'
    )
  })

  it('cools down for 5 minutes by default and treats the hook URL as a secret', () => {
    expect(mygetPreset.defaultCooldownMs).toBe(300_000)
    expect(mygetPreset.secretOptions).toEqual(['url'])
  })

  it.each([
    [{}, 'url'],
    [{ url: 'www.myget.org/BuildSource/Hook/f' }, 'url: must be an absolute http(s) URL'],
    [{ url: HOOK, identifier: 'x' }, 'identifier'],
  ])('rejects options %j', (input, fragment) => {
    expect(optionIssues(mygetPreset.optionsSchema.safeParse(input)).join('\n')).toContain(fragment)
  })

  it('forwards the inbound body by default', async () => {
    const input = branchPush()
    const mapped = await evaluateMap(mygetPreset.defaultMap, input)
    expect(jsonBody(mygetPreset.buildRequest(mapped, options))).toEqual(input.body)
  })
})
