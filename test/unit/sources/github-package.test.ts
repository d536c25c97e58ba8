import { describe, expect, it } from 'vitest'
import { githubSource } from '../../../src/sources/github.ts'
import { githubPayload, type Payload } from '../../helpers/fixtures.ts'
import { githubHeaders } from '../../helpers/sign.ts'
import { expectCode, inbound, sourceConfig } from './request.ts'

const SECRET = 'gh-packages-secret'
const source = sourceConfig('github', [SECRET])

function parse(event: string, payload: unknown) {
  const body = JSON.stringify(payload)
  const req = inbound(githubHeaders(SECRET, event, body), body)
  githubSource.verify(req, source)
  return githubSource.parse(req, source)
}

/** The octokit `package` published example for an npm package (version 1.0.0). */
function npmPublished(): Payload {
  return githubPayload('package', (p) => (p['package'] as { package_version?: { version?: string } }).package_version?.version === '1.0.0')
}

describe('github package events', () => {
  it('package published (octokit example): name, version, ecosystem as feed, sender, registry', () => {
    const payload = npmPublished()
    const pkg = payload['package'] as { registry: { url: string } }
    expect(parse('package', payload)).toMatchObject({ event: 'package', pushes: [], pullRequest: null })
    expect(parse('package', payload).package).toEqual({
      feed: 'docker', // what the octokit example says; GitHub's ecosystem field as sent
      name: 'hello-world-npm',
      version: '1.0.0',
      event: 'published',
      user: 'Codertocat',
      registry: pkg.registry.url,
    })
  })

  it('registry_package (the older event, same shape under its own key) fills the view too', () => {
    const payload = npmPublished()
    const renamed = { ...payload, registry_package: payload['package'] }
    delete (renamed as Record<string, unknown>)['package']
    expect(parse('registry_package', renamed).package).toMatchObject({ name: 'hello-world-npm', version: '1.0.0', event: 'published' })
  })

  it('a container version is the pushed tag, not the digest, when there is one', () => {
    const payload = githubPayload('package', (p) => String((p['package'] as { package_version?: { version?: string } }).package_version?.version).startsWith('sha256:'))
    const version = (payload['package'] as { package_version: Record<string, unknown> }).package_version
    expect(parse('package', payload).package?.version).toBe(version['version'])
    version['container_metadata'] = { tag: { name: 'v1.4.0', digest: version['version'] } }
    expect(parse('package', payload).package?.version).toBe('v1.4.0')
  })

  it('other events have no package view; a tampered package event is refused', () => {
    expect(parse('ping', githubPayload('ping')).package).toBeNull()
    const body = JSON.stringify(npmPublished())
    const headers = githubHeaders(SECRET, 'package', body)
    expectCode(() => githubSource.verify(inbound(headers, body.replace('1.0.0', '9.9.9')), source), 'SIGNATURE_MISMATCH')
  })
})
