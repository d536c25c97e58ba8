import { describe, expect, it } from 'vitest'
import { expectMappingError } from './expect-mapping-error.ts'
import { travisPreset } from '../../../src/targets/travis.ts'
import { branchPush, evaluateMap, jsonBody, optionIssues, tagPush } from './sample-envelopes.ts'

const options = travisPreset.optionsSchema.parse({ repo: 'travis-ci/travis-core', token: 'xxxxxx' })

const HEADERS = {
  'Content-Type': 'application/json',
  Accept: 'application/json',
  'Travis-API-Version': '3',
  Authorization: 'token xxxxxx',
}

describe('travis preset', () => {
  it('sends the minimal request of the docs, on api.travis-ci.com', () => {
    const request = travisPreset.buildRequest({ branch: 'master' }, options)
    expect(request).toMatchObject({
      method: 'POST',
      url: 'https://api.travis-ci.com/repo/travis-ci%2Ftravis-core/requests',
      headers: HEADERS,
    })
    expect(request.headers).toEqual(HEADERS)
    expect(jsonBody(request)).toEqual({ request: { branch: 'master' } })
  })

  it('sends the message and config example', () => {
    const mapped = {
      message: 'Override the commit message: this is an api request',
      branch: 'master',
      config: { env: { matrix: ['TEST=unit'] }, script: 'echo FOO' },
    }
    expect(jsonBody(travisPreset.buildRequest(mapped, options))).toEqual({ request: mapped })
  })

  it('accepts sha and merge_mode', () => {
    const mapped = { branch: 'master', sha: 'bf944c952724dd2f00ff0c466a5e217d10f73bea', merge_mode: 'deep_merge_append' }
    expect(jsonBody(travisPreset.buildRequest(mapped, options))).toEqual({ request: mapped })
  })

  it('takes a numeric repo id and an Enterprise base url', () => {
    const enterprise = travisPreset.optionsSchema.parse({ url: 'https://travis.example.com/api/', repo: 12345, token: 't' })
    expect(travisPreset.buildRequest({ branch: 'main' }, enterprise).url).toBe(
      'https://travis.example.com/api/repo/12345/requests'
    )
  })

  describe('rejects mapped values that Travis would refuse', () => {
    it.each([
      [{ message: 'x' }, 'travis needs branch in the mapped value'],
      [{ branch: null, sha: 'abc' }, 'travis needs branch'],
      [
        { branch: 'main', merge_mode: 'squash' },
        'merge_mode must be one of deep_merge_append, deep_merge_prepend, deep_merge, merge, replace',
      ],
      [{ branch: 'main', config: ['x'] }, 'travis config must be an object, but the map produced an array'],
      [{ branch: 'main', token: 'a-token' }, 'unknown field "token"'],
      [42, 'travis mapped value must be an object, but the map produced a number'],
    ])('%j', (mapped, message) => {
      expectMappingError(() => travisPreset.buildRequest(mapped, options), message)
    })
  })

  describe('options', () => {
    it('defaults url to https://api.travis-ci.com and marks token secret', () => {
      expect(options.url).toBe('https://api.travis-ci.com')
      expect(travisPreset.secretOptions).toEqual(['token'])
    })

    it.each([
      [{ token: 't' }, 'repo'],
      [{ repo: 'a/b' }, 'token'],
      [{ repo: 'a/b', token: 't', branch: 'main' }, 'branch'],
      [{ repo: 'a/b', token: 't', url: 'https://api.travis-ci.com/#x' }, 'url: must not contain a #fragment'],
    ])('rejects %j', (input, fragment) => {
      expect(optionIssues(travisPreset.optionsSchema.safeParse(input)).join('\n')).toContain(fragment)
    })
  })

  describe('default map', () => {
    it('builds the pushed branch at the pushed sha with its message', async () => {
      const mapped = await evaluateMap(travisPreset.defaultMap, branchPush())
      expect(jsonBody(travisPreset.buildRequest(mapped, options))).toEqual({
        request: { branch: 'main', sha: '6113728f27ae82c7b1a177c8d03f9e96e0adf246', message: 'Fix the build' },
      })
    })

    it('reports the missing branch on a tag push', async () => {
      const mapped = await evaluateMap(travisPreset.defaultMap, tagPush())
      expect(() => travisPreset.buildRequest(mapped, options)).toThrow('travis needs branch')
    })
  })
})
