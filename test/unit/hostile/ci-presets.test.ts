/**
 * The CI presets build their URL and headers from the target's options only: whatever a map
 * produces, the request goes to the configured URL with the same headers, or the delivery fails
 * with a MappingError (never another exception, which would stop routing the event).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MappingError } from '../../../src/errors.ts'
import { azurePipelinesPreset } from '../../../src/targets/azure-pipelines.ts'
import { buildkitePreset } from '../../../src/targets/buildkite.ts'
import { circleciPreset } from '../../../src/targets/circleci.ts'
import { githubActionsPreset } from '../../../src/targets/github-actions.ts'
import { jenkinsPreset } from '../../../src/targets/jenkins.ts'
import { teamcityPreset } from '../../../src/targets/teamcity.ts'
import type { OutboundRequest, TargetPreset } from '../../../src/targets/types.ts'
import { FC, outcome } from './arbitraries.ts'

interface Case {
  preset: TargetPreset
  options: Record<string, unknown>
  /** a mapped value the preset accepts */
  valid: unknown
  /** the fields the preset reads, so generated values reach its checks */
  fields: string[]
}

function entry<O extends Record<string, unknown>>(preset: TargetPreset<O>, raw: unknown, valid: unknown, fields: string[]): [string, Case] {
  const options = preset.optionsSchema.parse(raw)
  return [preset.type + (fields.includes('event_type') ? ' (dispatch)' : ''), { preset: preset, options, valid, fields }]
}

const CASES: [string, Case][] = [
  entry(jenkinsPreset, { url: 'https://jenkins.example.com/ci', job: 'team/app', user: 'bot', api_token: 't0k3n', build_token: 'b' }, { parameters: { A: '1' } }, ['parameters', 'cause']),
  entry(githubActionsPreset, { repo: 'acme/app', token: 't0k3n', workflow: 'ci.yml' }, { ref: 'main' }, ['ref', 'inputs']),
  entry(githubActionsPreset, { repo: 'acme/app', token: 't0k3n' }, { event_type: 'x' }, ['event_type', 'client_payload']),
  entry(buildkitePreset, { org: 'acme', pipeline: 'app', token: 't0k3n' }, { commit: 'HEAD', branch: 'main' }, [
    'commit', 'branch', 'message', 'author', 'env', 'meta_data', 'clean_checkout', 'pull_request_id',
  ]),
  entry(circleciPreset, { project: 'gh/acme/app', token: 't0k3n' }, { branch: 'main' }, ['branch', 'tag', 'parameters']),
  entry(azurePipelinesPreset, { org: 'acme', project: 'app', pipeline: 12, token: 't0k3n' }, { ref: 'main' }, ['ref', 'tag', 'templateParameters', 'variables']),
  entry(teamcityPreset, { url: 'https://tc.example.com', token: 't0k3n', build_type: 'B' }, {}, ['buildType', 'branch', 'comment', 'properties']),
]

/** Strings that would steer a request if they reached its URL or headers. */
const STEERING = ['//evil.example', 'http://evil.example/', '../../x', '%2e%2e/', 'a\r\nHost: evil.example', '?x=1', '#f', '\u0000', 'ünï/日本', 'a'.repeat(3000), '__proto__']
const hostileString = fc.oneof(fc.constantFrom(...STEERING), fc.string({ unit: 'binary', maxLength: 40 }))
const hostileValue = fc.oneof(hostileString, fc.jsonValue({ maxDepth: 2 }), fc.dictionary(hostileString, fc.oneof(hostileString, fc.jsonValue({ maxDepth: 1 })), { maxKeys: 4 }))

describe.each(CASES)('%s: a map cannot steer the request', (_name, { preset, options, valid, fields }) => {
  const reference = preset.buildRequest(valid, options)

  it('same URL and headers, or a MappingError', () => {
    const fieldValues = fc.dictionary(fc.constantFrom(...fields), hostileValue, { maxKeys: fields.length })
    // hostile fields on top of a valid value too, so that many requests are built, not refused
    const mapped = fc.oneof(fieldValues, fieldValues.map((d) => ({ ...(valid as object), ...d })), hostileValue)
    let accepted = 0
    fc.assert(
      fc.property(mapped, (value) => {
        const result = outcome(() => preset.buildRequest(value, options))
        if (!result.ok) {
          expect(result.error).toBeInstanceOf(MappingError)
          return
        }
        accepted += 1
        const request = result.value as OutboundRequest
        expect([request.method, request.headers]).toEqual([reference.method, reference.headers])
        // Jenkins alone picks /build or /buildWithParameters by whether there are parameters
        const urls = preset.type === 'jenkins' ? [reference.url, reference.url.replace(/buildWithParameters$/, 'build')] : [reference.url]
        expect(urls).toContain(request.url)
        if (request.headers['Content-Type'] === 'application/json') {
          expect(() => JSON.parse(request.body) as unknown).not.toThrow()
        }
      }),
      FC
    )
    // the property also held for requests that were built, not only for refusals
    expect(accepted).toBeGreaterThan(0)
  })
})
