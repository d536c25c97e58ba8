import { describe, expect, it } from 'vitest'
import type { Envelope } from '../../../src/envelope.ts'
import { buildEnvelopes } from '../../../src/sources/build-envelopes.ts'
import { sourceTypes } from '../../../src/sources/index.ts'
import { buildmasterPreset } from '../../../src/targets/buildmaster.ts'
import { fixtureText, githubPayload } from '../../helpers/fixtures.ts'
import { inbound, sourceConfig } from '../sources/request.ts'
import { evaluateMap, jsonBody } from './sample-envelopes.ts'

/** Every envelope the sources layer builds for a package sender's request (signatures aside). */
function envelopes(type: string, headers: Record<string, string>, body: string): Envelope[] {
  const sourceType = sourceTypes.get(type)!
  const source = sourceConfig(type, ['unused'])
  const req = inbound({ 'content-type': 'application/json', ...headers }, body)
  return buildEnvelopes(source, req, sourceType.parse(req, source), new Date('2026-01-02T03:04:05Z'))
}

const options = buildmasterPreset.optionsSchema.parse({ url: 'https://buildmaster.example.com', api_key: 'k' })

async function buildBody(envelope: Envelope): Promise<unknown> {
  return jsonBody(buildmasterPreset.buildRequest(await evaluateMap(buildmasterPreset.defaultMap, envelope), options))
}

describe('buildmaster default map on every package feed', () => {
  it('proget keeps the HOWTO wording', async () => {
    const [envelope] = envelopes('proget', {}, fixtureText('proget/package-promoted'))
    expect(await buildBody(envelope!)).toEqual({
      applicationName: 'MyCorp.CoolUtils',
      releaseNumber: '3.2.0-pre.1',
      reason: 'MyCorp.CoolUtils 3.2.0-pre.1 Promoted in ProGet feed internal-utils',
    })
  })

  it('npm: the published version, from npm', async () => {
    const [envelope] = envelopes('npm', {}, fixtureText('npm/package-publish'))
    expect(await buildBody(envelope!)).toEqual({
      applicationName: '@acme/widgets',
      releaseNumber: '2.4.1',
      reason: '@acme/widgets 2.4.1 package:publish from npm',
    })
  })

  it('nexus: the created component, in its repository', async () => {
    const [envelope] = envelopes('nexus', { 'x-nexus-webhook-id': 'rm:repository:component' }, fixtureText('nexus/component-created'))
    expect(await buildBody(envelope!)).toEqual({
      applicationName: 'angular2',
      releaseNumber: '2.0.0-beta.21',
      reason: 'angular2 2.0.0-beta.21 CREATED in Nexus feed npm-proxy',
    })
  })

  it('docker-hub: the pushed tag of the repository', async () => {
    const [envelope] = envelopes('docker-hub', {}, fixtureText('docker-hub/push'))
    expect(await buildBody(envelope!)).toEqual({
      applicationName: 'svendowideit/testhook',
      releaseNumber: 'latest',
      reason: 'svendowideit/testhook latest push in Docker Hub feed svendowideit',
    })
  })

  it('harbor: one build per pushed artifact tag', async () => {
    const all = envelopes('harbor', {}, fixtureText('harbor/push-artifact'))
    expect(all).toHaveLength(1)
    expect(await buildBody(all[0]!)).toEqual({
      applicationName: 'test-webhook/debian',
      releaseNumber: 'latest',
      reason: 'test-webhook/debian latest PUSH_ARTIFACT in Harbor feed test-webhook',
    })
  })

  it('github: a published GitHub Packages version, in its ecosystem', async () => {
    const payload = githubPayload('package', (p) => (p['package'] as { package_version?: { version?: string } }).package_version?.version === '1.0.0')
    const [envelope] = envelopes('github', { 'x-github-event': 'package' }, JSON.stringify(payload))
    expect(await buildBody(envelope!)).toEqual({
      applicationName: 'hello-world-npm',
      releaseNumber: '1.0.0',
      reason: 'hello-world-npm 1.0.0 published in GitHub feed docker',
    })
  })
})
