import { describe, expect, it } from 'vitest'
import { expectMappingError } from './expect-mapping-error.ts'
import { buildmasterPreset } from '../../../src/targets/buildmaster.ts'
import { branchPush, evaluateMap, jsonBody, optionIssues, progetPackage } from './sample-envelopes.ts'

const options = buildmasterPreset.optionsSchema.parse({ url: 'http://buildmaster-server', api_key: 'abc12345' })

describe('buildmaster preset', () => {
  it('sends the HOWTO request: applicationName, releaseNumber, reason with X-ApiKey', () => {
    const mapped = { applicationName: 'TriggerExample', releaseNumber: '2.14.0', reason: 'NuGet.Core pushed to ProGet' }
    const request = buildmasterPreset.buildRequest(mapped, options)
    expect(request).toMatchObject({
      method: 'POST',
      url: 'http://buildmaster-server/api/releases/builds/create',
      headers: { 'Content-Type': 'application/json', 'X-ApiKey': 'abc12345' },
    })
    expect(Object.keys(request.headers)).toEqual(['Content-Type', 'X-ApiKey'])
    expect(jsonBody(request)).toEqual(mapped)
  })

  it('turns variables into $Name keys, keeping names that already start with $', () => {
    const request = buildmasterPreset.buildRequest(
      {
        applicationName: 'TaxCalculator',
        releaseNumber: '1.0.1',
        variables: { GitCommit: '6113728f', $Branch: 'main', Attempt: 2, Skip: null },
      },
      options
    )
    expect(jsonBody(request)).toEqual({
      applicationName: 'TaxCalculator',
      releaseNumber: '1.0.1',
      $GitCommit: '6113728f',
      $Branch: 'main',
      $Attempt: '2',
    })
  })

  it('accepts $Name keys at the top level, as BuildMaster documents them', () => {
    const mapped = { applicationName: 'TaxCalculator', releaseNumber: '1.0.1', $GitCommit: '6113728f' }
    expect(jsonBody(buildmasterPreset.buildRequest(mapped, options))).toEqual(mapped)
  })

  it('accepts applicationId with a pipelineName instead of a release, and a build number', () => {
    const request = buildmasterPreset.buildRequest({ applicationId: '7', pipelineName: 'Release', buildNumber: 3 }, options)
    expect(jsonBody(request)).toEqual({ applicationId: 7, buildNumber: 3, pipelineName: 'Release' })
  })

  it('joins a base url with a path and trailing slash without doubling slashes', () => {
    const sub = buildmasterPreset.optionsSchema.parse({ url: 'https://ci.example.com/buildmaster/', api_key: 'k' })
    expect(buildmasterPreset.buildRequest({ applicationName: 'a', releaseNumber: '1' }, sub).url).toBe(
      'https://ci.example.com/buildmaster/api/releases/builds/create'
    )
  })

  describe('rejects mapped values that BuildMaster would refuse', () => {
    it.each([
      [{ releaseNumber: '1.0' }, 'buildmaster needs applicationName or applicationId in the mapped value'],
      [{ applicationName: null, releaseNumber: '1.0' }, 'needs applicationName or applicationId'],
      [{ applicationName: 'App' }, 'buildmaster needs releaseNumber (or releaseId), or pipelineName when no release is given'],
      [{ applicationId: 'seven', releaseNumber: '1' }, 'applicationId must be an integer'],
      [{ applicationName: 'App', releaseNumber: true }, 'releaseNumber must be a non-empty string or a number'],
      [{ applicationName: 'App', releaseNumber: '1', release: '1' }, 'unknown field "release"'],
      [{ applicationName: 'App', releaseNumber: '1', variables: 'x' }, 'buildmaster variables must be an object'],
      [{ applicationName: 'App', releaseNumber: '1', $A: '1', variables: { A: '2' } }, 'variable $A is given twice'],
      [{ applicationName: 'App', releaseNumber: '1', variables: { '': '2' } }, 'must not have an empty name'],
      [undefined, 'buildmaster mapped value must be an object, but the map produced nothing'],
    ])('%j', (mapped, message) => {
      expectMappingError(() => buildmasterPreset.buildRequest(mapped, options), message)
    })
  })

  describe('options', () => {
    it('marks api_key secret', () => {
      expect(buildmasterPreset.secretOptions).toEqual(['api_key'])
    })

    it.each([
      [{ api_key: 'k' }, 'url'],
      [{ url: 'https://bm.example.com' }, 'api_key'],
      [{ url: 'https://bm.example.com', api_key: 'k', application: 'x' }, 'application'],
      [{ url: 'mailto:ops@example.com', api_key: 'k' }, 'url: must be an http(s) URL'],
    ])('rejects %j', (input, fragment) => {
      expect(optionIssues(buildmasterPreset.optionsSchema.safeParse(input)).join('\n')).toContain(fragment)
    })
  })

  describe('default map', () => {
    it('creates a build for the added ProGet package', async () => {
      const mapped = await evaluateMap(buildmasterPreset.defaultMap, progetPackage())
      expect(jsonBody(buildmasterPreset.buildRequest(mapped, options))).toEqual({
        applicationName: 'MyCorp.CoolUtils',
        releaseNumber: '3.2.0',
        reason: 'MyCorp.CoolUtils 3.2.0 Added in ProGet feed internal-utils',
      })
    })

    it('fails clearly for an event without a package', async () => {
      const mapped = await evaluateMap(buildmasterPreset.defaultMap, branchPush())
      expect(mapped).toBeUndefined()
      expect(() => buildmasterPreset.buildRequest(mapped, options)).toThrow('must be an object, but the map produced nothing')
    })
  })
})
