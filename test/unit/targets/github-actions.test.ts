import { describe, expect, it } from 'vitest'
import { compileExpression } from '../../../src/mapping/compile-expression.ts'
import { githubActionsPreset } from '../../../src/targets/github-actions.ts'
import { expectMappingError } from './expect-mapping-error.ts'
import { branchPush, envelope, evaluateMap, jsonBody, optionIssues, tagPush } from './sample-envelopes.ts'

const TOKEN = 'github_pat_11ABCDEFG0123456789'
const workflowOptions = githubActionsPreset.optionsSchema.parse({ repo: 'acme/app', token: TOKEN, workflow: 'ci.yml' })
const dispatchOptions = githubActionsPreset.optionsSchema.parse({ repo: 'acme/app', token: TOKEN })

const HEADERS = {
  Accept: 'application/vnd.github+json',
  Authorization: `Bearer ${TOKEN}`,
  'X-GitHub-Api-Version': '2022-11-28',
  'Content-Type': 'application/json',
}

function defaultMapFor(options: typeof workflowOptions): string {
  return githubActionsPreset.defaultMapFor?.(options) ?? githubActionsPreset.defaultMap
}

describe('github-actions preset', () => {
  describe('with workflow: workflow_dispatch', () => {
    it('posts { ref, inputs } to the workflow, inputs as strings', () => {
      const request = githubActionsPreset.buildRequest({ ref: 'main', inputs: { sha: 'abc', debug: false, level: 2 } }, workflowOptions)
      expect(request).toEqual({
        method: 'POST',
        url: 'https://api.github.com/repos/acme/app/actions/workflows/ci.yml/dispatches',
        headers: HEADERS,
        body: '{"ref":"main","inputs":{"sha":"abc","debug":"false","level":"2"}}',
      })
    })

    it('takes a numeric workflow id and a GitHub Enterprise Server API base', () => {
      const ghes = githubActionsPreset.optionsSchema.parse({ url: 'https://ghe.example.com/api/v3', repo: 'acme/app', token: 't', workflow: 161335 })
      expect(githubActionsPreset.buildRequest({ ref: 'v1.0.0' }, ghes).url).toBe(
        'https://ghe.example.com/api/v3/repos/acme/app/actions/workflows/161335/dispatches'
      )
    })

    it.each([
      [{ inputs: { a: '1' } }, 'github-actions (workflow ci.yml) needs ref'],
      [{ ref: '' }, 'ref must be a non-empty string'],
      [{ ref: 'main', inputs: 'x=1' }, 'inputs must be an object, but the map produced a string'],
      [{ event_type: 'deploy' }, 'unknown field "event_type" (accepted: ref, inputs)'],
      [null, 'mapped value must be an object, but the map produced null'],
    ])('refuses %j', (mapped, message) => {
      expectMappingError(() => githubActionsPreset.buildRequest(mapped, workflowOptions), message)
    })

    it('default map: the pushed branch, or the tag', async () => {
      expect(defaultMapFor(workflowOptions)).toBe(githubActionsPreset.defaultMap)
      const branch = await evaluateMap(defaultMapFor(workflowOptions), branchPush())
      expect(jsonBody(githubActionsPreset.buildRequest(branch, workflowOptions))).toEqual({ ref: 'main' })
      const tag = await evaluateMap(defaultMapFor(workflowOptions), tagPush())
      expect(jsonBody(githubActionsPreset.buildRequest(tag, workflowOptions))).toEqual({ ref: 'v1.2.3' })
    })
  })

  describe('without workflow: repository_dispatch', () => {
    it('posts { event_type, client_payload } to the repository', () => {
      const mapped = { event_type: 'deploy', client_payload: { env: 'staging', sha: 'abc', skip: null } }
      const request = githubActionsPreset.buildRequest(mapped, dispatchOptions)
      expect(request).toMatchObject({ method: 'POST', url: 'https://api.github.com/repos/acme/app/dispatches', headers: HEADERS })
      expect(jsonBody(request)).toEqual({ event_type: 'deploy', client_payload: { env: 'staging', sha: 'abc' } })
    })

    it.each([
      [{ client_payload: {} }, 'needs event_type in the mapped value (or set workflow on the target)'],
      [{ event_type: 'x'.repeat(101) }, 'event_type must be at most 100 characters, got 101'],
      [
        { event_type: 'x', client_payload: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, i])) },
        'client_payload may have at most 10 top-level properties, got 11',
      ],
      [{ event_type: 'x', client_payload: [1] }, 'client_payload must be an object, but the map produced an array'],
      [{ ref: 'main' }, 'unknown field "ref" (accepted: event_type, client_payload)'],
    ])('refuses %j', (mapped, message) => {
      expectMappingError(() => githubActionsPreset.buildRequest(mapped, dispatchOptions), message)
    })

    it('default map: hookyard.<event> with the push in client_payload', async () => {
      const mapped = await evaluateMap(defaultMapFor(dispatchOptions), branchPush())
      expect(jsonBody(githubActionsPreset.buildRequest(mapped, dispatchOptions))).toEqual({
        event_type: 'hookyard.push',
        client_payload: {
          repo: 'octo-org/app',
          ref: 'refs/heads/main',
          branch: 'main',
          sha: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
        },
      })
      const other = await evaluateMap(defaultMapFor(dispatchOptions), envelope({ event: 'release' }))
      expect(jsonBody(githubActionsPreset.buildRequest(other, dispatchOptions))).toEqual({ event_type: 'hookyard.release' })
    })

    it('both default maps compile', () => {
      for (const options of [workflowOptions, dispatchOptions]) {
        expect(() => compileExpression(defaultMapFor(options))).not.toThrow()
      }
    })
  })

  describe('options', () => {
    it('defaults url to https://api.github.com and marks token secret', () => {
      expect(dispatchOptions.url).toBe('https://api.github.com')
      expect(githubActionsPreset.secretOptions).toEqual(['token'])
    })

    it.each([
      [{ token: 't' }, 'repo'],
      [{ repo: 'acme/app' }, 'token'],
      [{ repo: 'acme', token: 't' }, 'repo: must be owner/name'],
      [{ repo: 'acme/app/extra', token: 't' }, 'repo: must be owner/name'],
      [{ repo: '../app', token: 't' }, 'repo: must be owner/name'],
      [{ repo: 'acme/app', token: 't', workflow: '' }, 'workflow: must be the workflow file name (ci.yml) or its numeric id'],
      [{ repo: 'acme/app', token: 't', workflow: '.github/workflows/ci.yml' }, 'workflow: must be the workflow file name'],
      [{ repo: 'acme/app', token: 't', ref: 'main' }, 'ref'],
    ])('rejects %j', (input, fragment) => {
      expect(optionIssues(githubActionsPreset.optionsSchema.safeParse(input)).join('\n')).toContain(fragment)
    })
  })
})
