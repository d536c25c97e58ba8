import { describe, expect, it } from 'vitest'
import { teamcityPreset } from '../../../src/targets/teamcity.ts'
import { expectMappingError } from './expect-mapping-error.ts'
import { branchPush, envelope, evaluateMap, jsonBody, optionIssues, tagPush } from './sample-envelopes.ts'

const TOKEN = 'eyJ0eXAiOiAiVENWMiJ9.teamcity-token'
const options = teamcityPreset.optionsSchema.parse({ url: 'https://teamcity.example.com', token: TOKEN, build_type: 'App_Build' })

describe('teamcity preset', () => {
  it('queues the configured build type with a bearer token, in JSON', () => {
    expect(teamcityPreset.buildRequest({}, options)).toEqual({
      method: 'POST',
      url: 'https://teamcity.example.com/app/rest/buildQueue',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: '{"buildType":{"id":"App_Build"}}',
    })
  })

  it('maps branch, comment and properties onto the build entity; buildType overrides the option', () => {
    const mapped = { buildType: 'App_Deploy', branch: 'main', comment: 'Fix the build', properties: { 'env.GIT_SHA': 'abc', 'system.n': 2, skip: null } }
    expect(jsonBody(teamcityPreset.buildRequest(mapped, options))).toEqual({
      buildType: { id: 'App_Deploy' },
      branchName: 'main',
      comment: { text: 'Fix the build' },
      properties: { property: [{ name: 'env.GIT_SHA', value: 'abc' }, { name: 'system.n', value: '2' }] },
    })
  })

  it('keeps a context path of the server URL', () => {
    const sub = teamcityPreset.optionsSchema.parse({ url: 'http://ci.internal:8111/teamcity/', token: 't', build_type: 'B' })
    expect(teamcityPreset.buildRequest({}, sub).url).toBe('http://ci.internal:8111/teamcity/app/rest/buildQueue')
  })

  describe('refuses mapped values TeamCity would refuse', () => {
    it.each([
      [{ branchName: 'main' }, 'unknown field "branchName" (accepted: buildType, branch, comment, properties)'],
      [{ branch: 12 }, 'teamcity: branch must be a non-empty string, but the map produced a number'],
      [{ properties: [{ name: 'a', value: 'b' }] }, 'teamcity properties must be an object, but the map produced an array'],
      [{ properties: { '': 'x' } }, 'names must not be empty'],
      ['main', 'teamcity mapped value must be an object, but the map produced a string'],
    ])('%j', (mapped, message) => {
      expectMappingError(() => teamcityPreset.buildRequest(mapped, options), message)
    })
  })

  describe('options', () => {
    it('marks token secret', () => {
      expect(teamcityPreset.secretOptions).toEqual(['token'])
    })

    it.each([
      [{ token: 't', build_type: 'B' }, 'url'],
      [{ url: 'https://tc.example.com', build_type: 'B' }, 'token'],
      [{ url: 'https://tc.example.com', token: 't' }, 'build_type'],
      [{ url: 'https://tc.example.com', token: 't', build_type: 'B', buildType: 'B' }, 'buildType'],
    ])('rejects %j', (input, fragment) => {
      expect(optionIssues(teamcityPreset.optionsSchema.safeParse(input)).join('\n')).toContain(fragment)
    })
  })

  describe('default map', () => {
    it('queues the pushed branch with the commit message as comment', async () => {
      const mapped = await evaluateMap(teamcityPreset.defaultMap, branchPush())
      expect(jsonBody(teamcityPreset.buildRequest(mapped, options))).toEqual({
        buildType: { id: 'App_Build' },
        branchName: 'main',
        comment: { text: 'Fix the build' },
      })
      const tag = await evaluateMap(teamcityPreset.defaultMap, tagPush())
      expect(jsonBody(teamcityPreset.buildRequest(tag, options))).toMatchObject({ branchName: 'v1.2.3' })
    })

    it('reports an event without a push view', async () => {
      const mapped = await evaluateMap(teamcityPreset.defaultMap, envelope({ event: 'issues' }))
      expectMappingError(() => teamcityPreset.buildRequest(mapped, options), 'the map produced nothing')
    })
  })
})
