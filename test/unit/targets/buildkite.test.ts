import { describe, expect, it } from 'vitest'
import { buildkitePreset } from '../../../src/targets/buildkite.ts'
import { expectMappingError } from './expect-mapping-error.ts'
import { branchPush, envelope, evaluateMap, jsonBody, optionIssues, tagPush } from './sample-envelopes.ts'

const TOKEN = 'bkua_0123456789abcdef0123456789abcdef'
const options = buildkitePreset.optionsSchema.parse({ org: 'acme', pipeline: 'app', token: TOKEN })

describe('buildkite preset', () => {
  it('creates a build on the documented endpoint with a bearer token', () => {
    const request = buildkitePreset.buildRequest({ commit: 'HEAD', branch: 'main', message: 'Hello, world! :rocket:' }, options)
    expect(request).toEqual({
      method: 'POST',
      url: 'https://api.buildkite.com/v2/organizations/acme/pipelines/app/builds',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: '{"commit":"HEAD","branch":"main","message":"Hello, world! :rocket:"}',
    })
  })

  it('sends author, env and meta_data (as strings) and the documented flags', () => {
    const mapped = {
      commit: 'abcd0b72a1e580e90712cdd9eb26d3fb41cd09c8',
      branch: 'feature/x',
      author: { name: 'Keith Pitt', email: 'me@keithpitt.com' },
      env: { DEPLOY: 1, SKIP: null },
      meta_data: { 'release-version': '1.1', build: { n: 1 } },
      clean_checkout: true,
      ignore_pipeline_branch_filters: false,
      pull_request_id: '12',
      pull_request_base_branch: 'main',
    }
    expect(jsonBody(buildkitePreset.buildRequest(mapped, options))).toEqual({
      commit: 'abcd0b72a1e580e90712cdd9eb26d3fb41cd09c8',
      branch: 'feature/x',
      pull_request_base_branch: 'main',
      clean_checkout: true,
      ignore_pipeline_branch_filters: false,
      pull_request_id: 12,
      author: { name: 'Keith Pitt', email: 'me@keithpitt.com' },
      env: { DEPLOY: '1' },
      meta_data: { 'release-version': '1.1', build: '{"n":1}' },
    })
  })

  it('takes a self-hosted API base', () => {
    const proxied = buildkitePreset.optionsSchema.parse({ url: 'http://127.0.0.1:9000/bk/', org: 'acme-ltd', pipeline: 'app', token: 't' })
    expect(buildkitePreset.buildRequest({ commit: 'HEAD', branch: 'main' }, proxied).url).toBe(
      'http://127.0.0.1:9000/bk/v2/organizations/acme-ltd/pipelines/app/builds'
    )
  })

  describe('refuses mapped values Buildkite would refuse', () => {
    it.each([
      [{ branch: 'main' }, 'buildkite needs commit (a sha, or "HEAD") and branch in the mapped value'],
      [{ commit: 'HEAD' }, 'buildkite needs commit'],
      [{ commit: 'HEAD', branch: 'main', clean_checkout: 'yes' }, 'clean_checkout must be true or false, but the map produced a string'],
      [{ commit: 'HEAD', branch: 'main', author: 'octocat' }, 'buildkite author must be an object'],
      [{ commit: 'HEAD', branch: 'main', author: { login: 'octocat' } }, 'buildkite author has an unknown field "login"'],
      [{ commit: 'HEAD', branch: 'main', env: ['A=1'] }, 'buildkite env must be an object, but the map produced an array'],
      [{ commit: 'HEAD', branch: 'main', sha: 'abc' }, 'unknown field "sha"'],
    ])('%j', (mapped, message) => {
      expectMappingError(() => buildkitePreset.buildRequest(mapped, options), message)
    })
  })

  describe('options', () => {
    it('defaults url to https://api.buildkite.com and marks token secret', () => {
      expect(options.url).toBe('https://api.buildkite.com')
      expect(buildkitePreset.secretOptions).toEqual(['token'])
    })

    it.each([
      [{ pipeline: 'app', token: 't' }, 'org'],
      [{ org: 'acme', token: 't' }, 'pipeline'],
      [{ org: 'acme', pipeline: 'app' }, 'token'],
      [{ org: 'acme', pipeline: 'acme/app', token: 't' }, 'pipeline: must be a slug'],
      [{ org: '..', pipeline: 'app', token: 't' }, 'org: must be a slug'],
      [{ org: 'acme', pipeline: 'app', token: 't', branch: 'main' }, 'branch'],
    ])('rejects %j', (input, fragment) => {
      expect(optionIssues(buildkitePreset.optionsSchema.safeParse(input)).join('\n')).toContain(fragment)
    })
  })

  describe('default map', () => {
    it('builds the pushed sha on the pushed branch with message and author', async () => {
      const mapped = await evaluateMap(buildkitePreset.defaultMap, branchPush())
      expect(jsonBody(buildkitePreset.buildRequest(mapped, options))).toEqual({
        commit: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
        branch: 'main',
        message: 'Fix the build',
        author: { name: 'Monalisa Octocat' },
      })
    })

    it('uses the tag name on a tag push and HEAD when the push has no sha', async () => {
      const tag = await evaluateMap(buildkitePreset.defaultMap, tagPush())
      expect(jsonBody(buildkitePreset.buildRequest(tag, options))).toMatchObject({ branch: 'v1.2.3' })
      const noSha = await evaluateMap(buildkitePreset.defaultMap, branchPush({ sha: null, author: null }))
      expect(jsonBody(buildkitePreset.buildRequest(noSha, options))).toEqual({ commit: 'HEAD', branch: 'main', message: 'Fix the build' })
    })

    it('reports an event without a push view', async () => {
      const mapped = await evaluateMap(buildkitePreset.defaultMap, envelope({ event: 'issues' }))
      expectMappingError(() => buildkitePreset.buildRequest(mapped, options), 'the map produced nothing')
    })
  })
})
