import { describe, expect, it } from 'vitest'
import { expectMappingError } from './expect-mapping-error.ts'
import { bitrisePreset } from '../../../src/targets/bitrise.ts'
import { branchPush, evaluateMap, jsonBody, optionIssues, tagPush } from './sample-envelopes.ts'

const options = bitrisePreset.optionsSchema.parse({ app_slug: 'APP-SLUG', token: 'APP-API-TOKEN' })

describe('bitrise preset', () => {
  it('sends the base curl call of the Build Trigger API docs', () => {
    const request = bitrisePreset.buildRequest({ branch: 'master' }, options)
    expect(request).toMatchObject({
      method: 'POST',
      url: 'https://app.bitrise.io/app/APP-SLUG/build/start.json',
      headers: { 'Content-Type': 'application/json' },
    })
    expect(Object.keys(request.headers)).toEqual(['Content-Type'])
    expect(jsonBody(request)).toEqual({
      hook_info: { type: 'bitrise', build_trigger_token: 'APP-API-TOKEN' },
      build_params: { branch: 'master' },
      triggered_by: 'hookyard',
    })
  })

  it('sends the advanced example with workflow_id, commit_message and environments', () => {
    const buildParams = {
      branch: 'master',
      commit_message: 'Environment in API params test',
      workflow_id: 'deployment',
      environments: [{ mapped_to: 'API_TEST_ENV', value: 'This is the test value', is_expand: true }],
    }
    const request = bitrisePreset.buildRequest(buildParams, options)
    expect(jsonBody(request)).toMatchObject({ build_params: buildParams })
  })

  it('passes extra build_params through and turns an environments object into Bitrise items', () => {
    const request = bitrisePreset.buildRequest(
      {
        workflow_id: 'pr',
        pull_request_id: '12',
        branch_dest: 'master',
        skip_git_status_report: true,
        environments: { BUILD_KIND: 'pr', PR_NUMBER: 12, SKIPPED: null },
      },
      options
    )
    expect(jsonBody(request)).toMatchObject({
      build_params: {
        workflow_id: 'pr',
        pull_request_id: 12,
        branch_dest: 'master',
        skip_git_status_report: true,
        environments: [
          { mapped_to: 'BUILD_KIND', value: 'pr' },
          { mapped_to: 'PR_NUMBER', value: '12' },
        ],
      },
    })
  })

  it('honours a url override and encodes the app slug', () => {
    const custom = bitrisePreset.optionsSchema.parse({ url: 'http://127.0.0.1:8080/', app_slug: 'a b/c', token: 't' })
    expect(bitrisePreset.buildRequest({ tag: 'v1' }, custom).url).toBe('http://127.0.0.1:8080/app/a%20b%2Fc/build/start.json')
  })

  it('drops null params so a tag push carries no "branch": null', () => {
    const request = bitrisePreset.buildRequest({ branch: null, tag: 'v1.2.3', commit_hash: 'abc' }, options)
    expect(jsonBody(request)).toMatchObject({ build_params: { tag: 'v1.2.3', commit_hash: 'abc' } })
    expect(request.body).not.toContain('"branch"')
  })

  it('renders the same bytes for the same input', () => {
    const mapped = { branch: 'main', commit_hash: 'abc', environments: { A: '1' } }
    expect(bitrisePreset.buildRequest(mapped, options)).toEqual(bitrisePreset.buildRequest(mapped, options))
  })

  describe('rejects mapped values that Bitrise would refuse', () => {
    it.each([
      [{ commit_hash: 'abc' }, 'bitrise needs at least one of branch, tag or workflow_id in the mapped build_params'],
      [{ branch: null }, 'at least one of branch, tag or workflow_id'],
      [{}, 'at least one of branch, tag or workflow_id'],
      [undefined, 'bitrise build_params must be an object, but the map produced nothing'],
      [['main'], 'must be an object, but the map produced an array'],
      ['main', 'must be an object, but the map produced a string'],
      [{ branch: 5 }, 'branch must be a non-empty string, but the map produced a number'],
      [{ branch: '' }, 'branch must be a non-empty string, but the map produced an empty string'],
      [{ branch: 'main', pull_request_id: 'twelve' }, 'pull_request_id must be an integer'],
      [{ branch: 'main', environments: 'A=1' }, 'environments must be an array of { mapped_to, value } or an object'],
      [
        { branch: 'main', environments: [{ mapped_to: '$HOME', value: 'x' }] },
        'environments[0]: mapped_to must be an environment variable name',
      ],
      [{ branch: 'main', environments: [{ mapped_to: 'A' }] }, 'environments[0]: value is missing for A'],
      [{ branch: 'main', environments: [{ mapped_to: 'A', value: 'x', is_expand: 'no' }] }, 'is_expand must be true or false'],
      [{ branch: 'main', environments: [{ mapped_to: 'A', value: 'x', secret: true }] }, 'unknown field "secret"'],
    ])('%j', (mapped, message) => {
      expectMappingError(() => bitrisePreset.buildRequest(mapped, options), message)
    })
  })

  describe('options', () => {
    it('defaults url to https://app.bitrise.io and marks token secret', () => {
      expect(options.url).toBe('https://app.bitrise.io')
      expect(bitrisePreset.secretOptions).toEqual(['token'])
      expect(bitrisePreset.defaultCooldownMs).toBe(0)
    })

    it.each([
      [{ token: 't' }, 'app_slug'],
      [{ app_slug: 's' }, 'token'],
      [{ app_slug: 's', token: '' }, 'token: must not be empty'],
      [{ app_slug: 's', token: 't', workflow: 'x' }, 'workflow'],
      [{ app_slug: 's', token: 't', url: 'ftp://app.bitrise.io' }, 'url: must be an http(s) URL'],
      [{ app_slug: 's', token: 't', url: 'app.bitrise.io' }, 'url: must be an absolute http(s) URL'],
      [{ app_slug: 's', token: 't', url: 'https://app.bitrise.io/?x=1' }, 'url: must be a base URL without a ?query'],
    ])('rejects %j', (input, fragment) => {
      const issues = optionIssues(bitrisePreset.optionsSchema.safeParse(input))
      expect(issues.join('\n')).toContain(fragment)
    })
  })

  describe('default map', () => {
    it('builds the pushed branch at the pushed commit', async () => {
      const mapped = await evaluateMap(bitrisePreset.defaultMap, branchPush())
      expect(jsonBody(bitrisePreset.buildRequest(mapped, options))).toMatchObject({
        build_params: {
          branch: 'main',
          commit_hash: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
          commit_message: 'Fix the build',
        },
      })
    })

    it('builds a pushed tag without a branch', async () => {
      const mapped = await evaluateMap(bitrisePreset.defaultMap, tagPush())
      const body = jsonBody(bitrisePreset.buildRequest(mapped, options)) as { build_params: Record<string, unknown> }
      expect(body.build_params).toEqual({
        tag: 'v1.2.3',
        commit_hash: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
        commit_message: 'Release 1.2.3',
      })
    })
  })
})
