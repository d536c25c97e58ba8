import { describe, expect, it } from 'vitest'
import { circleciPreset } from '../../../src/targets/circleci.ts'
import { expectMappingError } from './expect-mapping-error.ts'
import { branchPush, envelope, evaluateMap, jsonBody, optionIssues, tagPush } from './sample-envelopes.ts'

const TOKEN = 'CCIPAT_0123456789abcdef_0123456789'
const options = circleciPreset.optionsSchema.parse({ project: 'gh/acme/app', token: TOKEN })

describe('circleci preset', () => {
  it('triggers a pipeline on a branch with Circle-Token', () => {
    expect(circleciPreset.buildRequest({ branch: 'main' }, options)).toEqual({
      method: 'POST',
      url: 'https://circleci.com/api/v2/project/gh/acme/app/pipeline',
      headers: { 'Circle-Token': TOKEN, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: '{"branch":"main"}',
    })
  })

  it('triggers on a tag and keeps the parameters typed', () => {
    const mapped = { tag: 'v1.2.3', parameters: { deploy: true, replicas: 3, env: 'prod', unset: null } }
    expect(jsonBody(circleciPreset.buildRequest(mapped, options))).toEqual({
      tag: 'v1.2.3',
      parameters: { deploy: true, replicas: 3, env: 'prod' },
    })
  })

  it('takes a standalone project slug and a server base URL', () => {
    const server = circleciPreset.optionsSchema.parse({
      url: 'https://circleci.example.com',
      project: 'circleci/9a1b2c3d-0000-4e5f-8a9b-0c1d2e3f4a5b/7f6e5d4c-0000-4b3a-9c8d-1e2f3a4b5c6d',
      token: 't',
    })
    expect(circleciPreset.buildRequest({ branch: 'main' }, server).url).toBe(
      'https://circleci.example.com/api/v2/project/circleci/9a1b2c3d-0000-4e5f-8a9b-0c1d2e3f4a5b/7f6e5d4c-0000-4b3a-9c8d-1e2f3a4b5c6d/pipeline'
    )
  })

  describe('refuses mapped values CircleCI would refuse', () => {
    it.each([
      [{ parameters: { a: 1 } }, 'circleci needs exactly one of branch or tag in the mapped value'],
      [{ branch: 'main', tag: 'v1' }, 'circleci needs exactly one of branch or tag'],
      [{ branch: 'main', parameters: { list: [1, 2] } }, 'circleci parameters.list must be a string, number or boolean, but the map produced an array'],
      [{ branch: 'main', parameters: 'deploy=true' }, 'circleci parameters must be an object'],
      [{ branch: 'main', revision: 'abc' }, 'unknown field "revision" (accepted: branch, tag, parameters)'],
    ])('%j', (mapped, message) => {
      expectMappingError(() => circleciPreset.buildRequest(mapped, options), message)
    })
  })

  describe('options', () => {
    it('defaults url to https://circleci.com and marks token secret', () => {
      expect(options.url).toBe('https://circleci.com')
      expect(circleciPreset.secretOptions).toEqual(['token'])
    })

    it.each([
      [{ token: 't' }, 'project'],
      [{ project: 'gh/acme/app' }, 'token'],
      [{ project: 'acme/app', token: 't' }, 'project: must be a project slug such as gh/acme/app'],
      [{ project: 'gh/./app', token: 't' }, 'project: must be a project slug such as gh/acme/app'],
      [{ project: 'gh/acme/app', token: 't', slug: 'x' }, 'slug'],
    ])('rejects %j', (input, fragment) => {
      expect(optionIssues(circleciPreset.optionsSchema.safeParse(input)).join('\n')).toContain(fragment)
    })
  })

  describe('default map', () => {
    it('sends the pushed branch, or the tag on a tag push', async () => {
      const branch = await evaluateMap(circleciPreset.defaultMap, branchPush())
      expect(jsonBody(circleciPreset.buildRequest(branch, options))).toEqual({ branch: 'main' })
      const tag = await evaluateMap(circleciPreset.defaultMap, tagPush())
      expect(jsonBody(circleciPreset.buildRequest(tag, options))).toEqual({ tag: 'v1.2.3' })
    })

    it('reports an event without a push view', async () => {
      const mapped = await evaluateMap(circleciPreset.defaultMap, envelope({ event: 'issues' }))
      expectMappingError(() => circleciPreset.buildRequest(mapped, options), 'needs exactly one of branch or tag')
    })
  })
})
