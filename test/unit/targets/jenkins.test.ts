import { describe, expect, it } from 'vitest'
import { jenkinsPreset } from '../../../src/targets/jenkins.ts'
import { expectMappingError } from './expect-mapping-error.ts'
import { branchPush, envelope, evaluateMap, optionIssues, tagPush } from './sample-envelopes.ts'

const options = jenkinsPreset.optionsSchema.parse({
  url: 'https://jenkins.example.com/',
  job: 'team/app',
  user: 'ci-bot',
  api_token: '11e2a6c0c6d8f1b2a3c4d5e6f7a8b9c0d1',
})
// base64("ci-bot:11e2a6c0c6d8f1b2a3c4d5e6f7a8b9c0d1")
const BASIC = `Basic ${Buffer.from('ci-bot:11e2a6c0c6d8f1b2a3c4d5e6f7a8b9c0d1').toString('base64')}`

describe('jenkins preset', () => {
  it('queues a job in a folder with form-encoded parameters and API-token Basic auth', () => {
    const request = jenkinsPreset.buildRequest({ parameters: { BRANCH: 'main', DEPLOY: true, ATTEMPTS: 3 } }, options)
    expect(request).toEqual({
      method: 'POST',
      url: 'https://jenkins.example.com/job/team/job/app/buildWithParameters',
      headers: { Authorization: BASIC, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'BRANCH=main&DEPLOY=true&ATTEMPTS=3',
    })
  })

  it('calls /build when there are no parameters', () => {
    for (const mapped of [{}, { parameters: {} }, { parameters: { BRANCH: null } }]) {
      const request = jenkinsPreset.buildRequest(mapped, options)
      expect(request.url).toBe('https://jenkins.example.com/job/team/job/app/build')
      expect(request.body).toBe('')
    }
  })

  it('sends the remote trigger token and the cause before the parameters', () => {
    const withToken = jenkinsPreset.optionsSchema.parse({ ...options, job: 'app', build_token: 'trigger-me' })
    const request = jenkinsPreset.buildRequest({ parameters: { BRANCH: 'main' }, cause: 'push by octocat' }, withToken)
    expect(request.url).toBe('https://jenkins.example.com/job/app/buildWithParameters')
    expect(request.body).toBe('token=trigger-me&cause=push+by+octocat&BRANCH=main')
  })

  it('encodes each folder and job name as one path segment', () => {
    const spaced = jenkinsPreset.optionsSchema.parse({ ...options, job: 'My Team/app #2/main' })
    expect(jenkinsPreset.buildRequest({}, spaced).url).toBe(
      'https://jenkins.example.com/job/My%20Team/job/app%20%232/job/main/build'
    )
  })

  describe('refuses mapped values Jenkins would misread', () => {
    it.each([
      [{ parameters: { token: 'x' } }, 'jenkins parameters: "token" is refused: Jenkins reads "token" as a request option'],
      [{ parameters: { '': 'x' } }, 'parameter names must not be empty'],
      [{ parameters: ['BRANCH'] }, 'jenkins parameters must be an object, but the map produced an array'],
      [{ params: { BRANCH: 'main' } }, 'unknown field "params" (accepted: parameters, cause)'],
      [{ cause: 42 }, 'jenkins: cause must be a non-empty string'],
      [undefined, 'jenkins mapped value must be an object, but the map produced nothing'],
    ])('%j', (mapped, message) => {
      expectMappingError(() => jenkinsPreset.buildRequest(mapped, options), message)
    })
  })

  describe('options', () => {
    it('marks both tokens secret and masks the Basic credential built from them', () => {
      expect(jenkinsPreset.secretOptions).toEqual(['api_token', 'build_token'])
      expect(jenkinsPreset.derivedSecrets?.(options)).toEqual([BASIC.slice('Basic '.length)])
    })

    it.each([
      [{ job: 'a', user: 'u', api_token: 't' }, 'url'],
      [{ url: 'https://j.example.com', user: 'u', api_token: 't' }, 'job'],
      [{ url: 'https://j.example.com', job: 'a', api_token: 't' }, 'user'],
      [{ url: 'https://j.example.com', job: 'a', user: 'u' }, 'api_token'],
      [{ url: 'https://j.example.com', job: 'a', user: 'ci:bot', api_token: 't' }, 'user: must be the Jenkins user name (not empty, no ":")'],
      [{ url: 'https://j.example.com', job: 'team//app', user: 'u', api_token: 't' }, 'job: must be a job name, or folder names'],
      [{ url: 'https://j.example.com', job: 'team/../admin', user: 'u', api_token: 't' }, 'job: must be a job name, or folder names'],
      [{ url: 'https://j.example.com', job: '', user: 'u', api_token: 't' }, 'job: must be a job name, or folder names'],
      [{ url: 'https://j.example.com', job: 'a', user: 'u', api_token: 't', token: 'x' }, 'token'],
      [{ url: 'https://j.example.com', job: 'a', user: 'u', api_token: 't', build_token: '' }, 'build_token: must not be empty'],
    ])('rejects %j', (input, fragment) => {
      expect(optionIssues(jenkinsPreset.optionsSchema.safeParse(input)).join('\n')).toContain(fragment)
    })
  })

  describe('default map', () => {
    it('passes branch, commit and repository as BRANCH, COMMIT and REPO', async () => {
      const mapped = await evaluateMap(jenkinsPreset.defaultMap, branchPush())
      expect(jenkinsPreset.buildRequest(mapped, options).body).toBe(
        'BRANCH=main&COMMIT=6113728f27ae82c7b1a177c8d03f9e96e0adf246&REPO=octo-org%2Fapp'
      )
    })

    it('leaves BRANCH out on a tag push', async () => {
      const mapped = await evaluateMap(jenkinsPreset.defaultMap, tagPush())
      expect(jenkinsPreset.buildRequest(mapped, options).body).toBe('COMMIT=6113728f27ae82c7b1a177c8d03f9e96e0adf246&REPO=octo-org%2Fapp')
    })

    it('reports an event without a push view', async () => {
      const mapped = await evaluateMap(jenkinsPreset.defaultMap, envelope({ event: 'issues' }))
      expectMappingError(() => jenkinsPreset.buildRequest(mapped, options), 'the map produced nothing')
    })
  })
})
