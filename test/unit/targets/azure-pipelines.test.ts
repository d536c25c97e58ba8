import { describe, expect, it } from 'vitest'
import { azurePipelinesPreset } from '../../../src/targets/azure-pipelines.ts'
import { expectMappingError } from './expect-mapping-error.ts'
import { branchPush, envelope, evaluateMap, jsonBody, optionIssues, tagPush } from './sample-envelopes.ts'

const PAT = 'azdopat0123456789abcdefghijklmnopqrstuvwxyz0123'
const options = azurePipelinesPreset.optionsSchema.parse({ org: 'acme', project: 'app', pipeline: 12, token: PAT })
const BASIC = Buffer.from(`:${PAT}`).toString('base64')

describe('azure-pipelines preset', () => {
  it('runs the pipeline on a branch, api-version 7.1, PAT as Basic auth', () => {
    expect(azurePipelinesPreset.buildRequest({ ref: 'main' }, options)).toEqual({
      method: 'POST',
      url: 'https://dev.azure.com/acme/app/_apis/pipelines/12/runs?api-version=7.1',
      headers: { Authorization: `Basic ${BASIC}`, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: '{"resources":{"repositories":{"self":{"refName":"refs/heads/main"}}}}',
    })
  })

  it.each([
    [{ ref: 'feature/x' }, 'refs/heads/feature/x'],
    [{ ref: 'refs/heads/main' }, 'refs/heads/main'],
    [{ ref: 'refs/pull/7/merge' }, 'refs/pull/7/merge'],
    [{ tag: 'v1.2.3' }, 'refs/tags/v1.2.3'],
    [{ tag: 'refs/tags/v1.2.3' }, 'refs/tags/v1.2.3'],
  ])('%j runs on %s', (mapped, refName) => {
    expect(jsonBody(azurePipelinesPreset.buildRequest(mapped, options))).toEqual({
      resources: { repositories: { self: { refName } } },
    })
  })

  it('sends template parameters as strings and variables as { value }', () => {
    const mapped = { ref: 'main', templateParameters: { environment: 'staging', dryRun: false }, variables: { SHA: 'abc', N: 1, X: null } }
    expect(jsonBody(azurePipelinesPreset.buildRequest(mapped, options))).toEqual({
      resources: { repositories: { self: { refName: 'refs/heads/main' } } },
      templateParameters: { environment: 'staging', dryRun: 'false' },
      variables: { SHA: { value: 'abc' }, N: { value: '1' } },
    })
  })

  it('encodes org and project names and takes an Azure DevOps Server base', () => {
    const server = azurePipelinesPreset.optionsSchema.parse({
      url: 'https://tfs.example.com/tfs',
      org: 'DefaultCollection',
      project: 'Fabrikam Fiber',
      pipeline: '7',
      token: 't',
    })
    expect(azurePipelinesPreset.buildRequest({ ref: 'main' }, server).url).toBe(
      'https://tfs.example.com/tfs/DefaultCollection/Fabrikam%20Fiber/_apis/pipelines/7/runs?api-version=7.1'
    )
  })

  describe('refuses mapped values Azure would refuse', () => {
    it.each([
      [{ variables: { A: '1' } }, 'azure-pipelines needs exactly one of ref (a branch or a full refs/... name) or tag'],
      [{ ref: 'main', tag: 'v1' }, 'needs exactly one of ref'],
      [{ ref: 'main', variables: ['A'] }, 'azure-pipelines variables must be an object, but the map produced an array'],
      [{ ref: 'main', parameters: {} }, 'unknown field "parameters" (accepted: ref, tag, templateParameters, variables)'],
      [{ ref: 7 }, 'azure-pipelines: ref must be a non-empty string'],
    ])('%j', (mapped, message) => {
      expectMappingError(() => azurePipelinesPreset.buildRequest(mapped, options), message)
    })
  })

  describe('options', () => {
    it('defaults url to https://dev.azure.com, marks the PAT secret and masks its Basic form', () => {
      expect(options.url).toBe('https://dev.azure.com')
      expect(azurePipelinesPreset.secretOptions).toEqual(['token'])
      expect(azurePipelinesPreset.derivedSecrets?.(options)).toEqual([BASIC])
    })

    it.each([
      [{ project: 'app', pipeline: 1, token: 't' }, 'org'],
      [{ org: 'acme', pipeline: 1, token: 't' }, 'project'],
      [{ org: 'acme', project: 'app', token: 't' }, 'pipeline'],
      [{ org: 'acme', project: 'app', pipeline: 'ci', token: 't' }, 'pipeline: must be the numeric pipeline id'],
      [{ org: 'acme', project: 'app', pipeline: 1 }, 'token'],
      [{ org: 'acme/x', project: 'app', pipeline: 1, token: 't' }, 'org: must be one name: no "/"'],
      [{ org: 'acme', project: '..', pipeline: 1, token: 't' }, 'project: must be one name: no "/", not "." or ".."'],
      [{ org: 'acme', project: 'app', pipeline: 1, token: 't', branch: 'main' }, 'branch'],
    ])('rejects %j', (input, fragment) => {
      expect(optionIssues(azurePipelinesPreset.optionsSchema.safeParse(input)).join('\n')).toContain(fragment)
    })
  })

  describe('default map', () => {
    it('runs on the pushed ref, branch or tag', async () => {
      const branch = await evaluateMap(azurePipelinesPreset.defaultMap, branchPush())
      expect(jsonBody(azurePipelinesPreset.buildRequest(branch, options))).toEqual({
        resources: { repositories: { self: { refName: 'refs/heads/main' } } },
      })
      const tag = await evaluateMap(azurePipelinesPreset.defaultMap, tagPush())
      expect(jsonBody(azurePipelinesPreset.buildRequest(tag, options))).toEqual({
        resources: { repositories: { self: { refName: 'refs/tags/v1.2.3' } } },
      })
    })

    it('reports an event without a push view', async () => {
      const mapped = await evaluateMap(azurePipelinesPreset.defaultMap, envelope({ event: 'issues' }))
      expectMappingError(() => azurePipelinesPreset.buildRequest(mapped, options), 'needs exactly one of ref')
    })
  })
})
