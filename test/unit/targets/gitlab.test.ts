import { describe, expect, it } from 'vitest'
import { expectMappingError } from './expect-mapping-error.ts'
import { gitlabPreset } from '../../../src/targets/gitlab.ts'
import { branchPush, envelope, evaluateMap, optionIssues, tagPush } from './sample-envelopes.ts'

const v3 = gitlabPreset.optionsSchema.parse({ url: 'https://gitlab.example.com', project: 9, token: 'TOKEN', api: 'v3' })
const v4 = gitlabPreset.optionsSchema.parse({ url: 'https://gitlab.example.com', project: 9, token: 'TOKEN' })

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' }

describe('gitlab preset', () => {
  it('sends the v3 curl example: --form token=TOKEN --form ref=master to project 9', () => {
    const request = gitlabPreset.buildRequest({ ref: 'master' }, v3)
    expect(request).toEqual({
      method: 'POST',
      url: 'https://gitlab.example.com/api/v3/projects/9/trigger/builds',
      headers: FORM,
      body: 'token=TOKEN&ref=master',
    })
  })

  it('sends the v3 example with variables[UPLOAD_TO_S3]=true', () => {
    const request = gitlabPreset.buildRequest({ ref: 'master', variables: { UPLOAD_TO_S3: true } }, v3)
    expect(request.url).toBe('https://gitlab.example.com/api/v3/projects/9/trigger/builds')
    expect([...new URLSearchParams(request.body)]).toEqual([
      ['token', 'TOKEN'],
      ['ref', 'master'],
      ['variables[UPLOAD_TO_S3]', 'true'],
    ])
  })

  it('sends the v4 equivalent to /trigger/pipeline (v4 is the default)', () => {
    expect(v4.api).toBe('v4')
    const request = gitlabPreset.buildRequest({ ref: 'master', variables: { UPLOAD_TO_S3: 'true' } }, v4)
    expect(request).toMatchObject({
      method: 'POST',
      url: 'https://gitlab.example.com/api/v4/projects/9/trigger/pipeline',
      headers: FORM,
    })
    expect([...new URLSearchParams(request.body)]).toEqual([
      ['token', 'TOKEN'],
      ['ref', 'master'],
      ['variables[UPLOAD_TO_S3]', 'true'],
    ])
  })

  it('url-encodes a project path, slashes included, and tolerates a trailing slash on url', () => {
    const options = gitlabPreset.optionsSchema.parse({ url: 'https://gitlab.com/', project: 'group/sub/project', token: 't' })
    expect(gitlabPreset.buildRequest({ ref: 'main' }, options).url).toBe(
      'https://gitlab.com/api/v4/projects/group%2Fsub%2Fproject/trigger/pipeline'
    )
  })

  it('turns variable values into strings and form-encodes keys and values', () => {
    const request = gitlabPreset.buildRequest(
      {
        ref: 'feature/x&y',
        variables: { COUNT: 3, DRY: false, LIST: ['a', 'b'], META: { k: 'v' }, TEXT: 'a b&c=d é', SKIP: null },
      },
      v4
    )
    const form = new URLSearchParams(request.body)
    expect(form.get('ref')).toBe('feature/x&y')
    expect(Object.fromEntries([...form].filter(([k]) => k.startsWith('variables')))).toEqual({
      'variables[COUNT]': '3',
      'variables[DRY]': 'false',
      'variables[LIST]': '["a","b"]',
      'variables[META]': '{"k":"v"}',
      'variables[TEXT]': 'a b&c=d é',
    })
    expect(request.body).not.toContain('SKIP')
  })

  it('renders the same bytes for the same input', () => {
    const mapped = { ref: 'main', variables: { A: '1', B: 2 } }
    expect(gitlabPreset.buildRequest(mapped, v4)).toEqual(gitlabPreset.buildRequest(mapped, v4))
  })

  describe('rejects mapped values that GitLab would refuse', () => {
    it.each([
      [{}, 'gitlab needs ref (a branch or tag name) in the mapped value'],
      [{ ref: null }, 'gitlab needs ref'],
      [{ ref: 1 }, 'ref must be a non-empty string'],
      [undefined, 'gitlab mapped value must be an object, but the map produced nothing'],
      ['main', 'must be an object, but the map produced a string'],
      [{ ref: 'main', variables: ['A'] }, 'gitlab variables must be an object, but the map produced an array'],
      [{ ref: 'main', variables: { 'BAD-KEY': 'x' } }, 'variable name "BAD-KEY" may only contain letters, digits and _'],
      [{ ref: 'main', inputs: { a: 1 } }, 'unknown field "inputs" (accepted: ref, variables)'],
    ])('%j', (mapped, message) => {
      expectMappingError(() => gitlabPreset.buildRequest(mapped, v4), message)
    })
  })

  describe('options', () => {
    it('marks token secret', () => {
      expect(gitlabPreset.secretOptions).toEqual(['token'])
    })

    it.each([
      [{ project: 9, token: 't' }, 'url'],
      [{ url: 'https://gitlab.com', token: 't' }, 'project'],
      [{ url: 'https://gitlab.com', project: 9 }, 'token'],
      [{ url: 'https://gitlab.com', project: 9, token: 't', api: 'v5' }, 'api'],
      [{ url: 'https://gitlab.com', project: 9, token: 't', ref: 'main' }, 'ref'],
      [{ url: 'https://user:pw@gitlab.com', project: 9, token: 't' }, 'url: must not contain user:password@ credentials'],
      [{ url: 'https://gitlab.com', project: -1, token: 't' }, 'project'],
    ])('rejects %j', (input, fragment) => {
      expect(optionIssues(gitlabPreset.optionsSchema.safeParse(input)).join('\n')).toContain(fragment)
    })
  })

  describe('default map', () => {
    it('uses the pushed branch as ref and sends no variables', async () => {
      const mapped = await evaluateMap(gitlabPreset.defaultMap, branchPush())
      expect(mapped).toEqual({ ref: 'main' })
      expect(gitlabPreset.buildRequest(mapped, v4).body).toBe('token=TOKEN&ref=main')
    })

    it('uses the tag name as ref on a tag push', async () => {
      const mapped = await evaluateMap(gitlabPreset.defaultMap, tagPush())
      expect(gitlabPreset.buildRequest(mapped, v4).body).toBe('token=TOKEN&ref=v1.2.3')
    })

    it('fails with a clear error for an event without a push', async () => {
      const mapped = await evaluateMap(gitlabPreset.defaultMap, envelope({ event: 'issues' }))
      expect(() => gitlabPreset.buildRequest(mapped, v4)).toThrow('gitlab needs ref')
    })
  })
})
