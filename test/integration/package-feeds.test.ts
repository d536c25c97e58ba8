import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { fixtureJson, fixtureText } from '../helpers/fixtures.ts'
import { harborHeaders, nexusHeaders, npmHeaders } from '../helpers/sign.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'

const SECRETS = {
  NPM_HOOK_SECRET: 'npm-hook-secret-4f5a',
  NEXUS_WEBHOOK_SECRET: 'nexus-secret-key-8b9c',
  DOCKER_HUB_WEBHOOK_TOKEN: 'docker-hub-token-1d2e',
  HARBOR_AUTH_HEADER: 'Bearer harbor-policy-3f4a',
  BUILDMASTER_API_KEY: 'bm-api-key-feeds-77',
}

/** Package feeds routed to one buildmaster target without a map: its default map does the work. */
function rules(buildmasterUrl: string): Record<string, string> {
  return {
    'feeds.yaml': `
sources:
  npm:
    type: npm
    secret: \${NPM_HOOK_SECRET}
  nexus:
    type: nexus
    secret: \${NEXUS_WEBHOOK_SECRET}
  docker-hub:
    type: docker-hub
    secret: \${DOCKER_HUB_WEBHOOK_TOKEN}
  harbor:
    type: harbor
    secret: \${HARBOR_AUTH_HEADER}
targets:
  buildmaster:
    type: buildmaster
    url: ${buildmasterUrl}
    api_key: \${BUILDMASTER_API_KEY}
routes:
  - name: build-on-publish
    source: [npm, nexus, docker-hub, harbor]
    when: package.event in ["package:publish", "CREATED", "push", "PUSH_ARTIFACT"]
    to: buildmaster
`,
  }
}

describe('end to end: signed package feed events become BuildMaster builds', () => {
  let buildmaster: CaptureServer
  let hy: TestHookyard

  beforeAll(async () => {
    buildmaster = await startCaptureServer()
    hy = await startTestHookyard({ rules: rules(buildmaster.url), env: SECRETS })
  })
  afterAll(async () => {
    await hy.stop()
    await buildmaster.close()
  })

  /** Posts the signed event, waits for the one BuildMaster call it causes, returns its body. */
  async function buildBody(source: string, body: string, headers: Record<string, string>): Promise<unknown> {
    buildmaster.requests.length = 0
    const res = await hy.post(source, body, headers)
    expect(res.status).toBe(202)
    await expect.poll(() => buildmaster.requests.length, { timeout: 10_000 }).toBe(1)
    const request = buildmaster.requests[0]!
    expect(request.method).toBe('POST')
    expect(request.url).toBe('/api/releases/builds/create')
    expect(request.headers['x-apikey']).toBe(SECRETS.BUILDMASTER_API_KEY)
    return JSON.parse(request.body)
  }

  it('npm package:publish hook -> BuildMaster build of the published version', async () => {
    const body = fixtureText('npm/package-publish')
    expect(await buildBody('npm', body, npmHeaders(SECRETS.NPM_HOOK_SECRET, body))).toEqual({
      applicationName: '@acme/widgets',
      releaseNumber: '2.4.1',
      reason: '@acme/widgets 2.4.1 package:publish from npm',
    })
  })

  it('npm hook with a wrong signature is a 401 and triggers nothing', async () => {
    buildmaster.requests.length = 0
    const body = fixtureText('npm/package-publish')
    expect((await hy.post('npm', body, npmHeaders('not-the-secret', body))).status).toBe(401)
    expect((await hy.post('npm', body, npmHeaders(null, body))).status).toBe(401)
    expect(buildmaster.requests).toHaveLength(0)
  })

  it('Nexus component CREATED webhook -> BuildMaster build of the component version', async () => {
    const body = fixtureText('nexus/component-created')
    const headers = nexusHeaders(SECRETS.NEXUS_WEBHOOK_SECRET, 'rm:repository:component', body)
    expect(await buildBody('nexus', body, headers)).toEqual({
      applicationName: 'angular2',
      releaseNumber: '2.0.0-beta.21',
      reason: 'angular2 2.0.0-beta.21 CREATED in Nexus feed npm-proxy',
    })
  })

  it('Nexus webhook with a wrong signature is a 401 and triggers nothing', async () => {
    buildmaster.requests.length = 0
    const body = fixtureText('nexus/component-created')
    const wrong = nexusHeaders('not-the-secret', 'rm:repository:component', body)
    expect((await hy.post('nexus', body, wrong)).status).toBe(401)
    const tampered = body.replace('2.0.0-beta.21', '2.0.0-beta.22')
    const signed = nexusHeaders(SECRETS.NEXUS_WEBHOOK_SECRET, 'rm:repository:component', body)
    expect((await hy.post('nexus', tampered, signed)).status).toBe(401)
    expect(buildmaster.requests).toHaveLength(0)
  })

  it('Docker Hub push with the URL token -> a build of the pushed tag; without it, 401', async () => {
    const body = fixtureText('docker-hub/push')
    const json = { 'content-type': 'application/json' }
    expect((await hy.post('docker-hub', body, json, '?token=guess')).status).toBe(401)
    expect(buildmaster.requests).toHaveLength(0)
    buildmaster.requests.length = 0
    const res = await hy.post('docker-hub', body, json, `?token=${SECRETS.DOCKER_HUB_WEBHOOK_TOKEN}`)
    expect(res.status).toBe(202)
    await expect.poll(() => buildmaster.requests.length, { timeout: 10_000 }).toBe(1)
    expect(JSON.parse(buildmaster.requests[0]!.body)).toMatchObject({ applicationName: 'svendowideit/testhook', releaseNumber: 'latest' })
  })

  it('Harbor push of two artifacts -> one build per tag; a wrong auth header is a 401', async () => {
    const payload = fixtureJson('harbor/push-artifact')
    const resources = (payload['event_data'] as { resources: unknown[] }).resources
    resources.push({ digest: 'sha256:1f2e3d4c', tag: 'v2.1.0', resource_url: 'harbor.example.com/test-webhook/debian:v2.1.0' })
    const body = JSON.stringify(payload)
    expect((await hy.post('harbor', body, harborHeaders('Bearer guess'))).status).toBe(401)
    buildmaster.requests.length = 0
    const res = await hy.post('harbor', body, harborHeaders(SECRETS.HARBOR_AUTH_HEADER))
    expect(res.status).toBe(202)
    const ack = (await res.json()) as { deliveries: unknown[] }
    expect(ack.deliveries).toHaveLength(2)
    await expect.poll(() => buildmaster.requests.length, { timeout: 10_000 }).toBe(2)
    const releases = buildmaster.requests.map((r) => (JSON.parse(r.body) as { releaseNumber: string }).releaseNumber)
    expect(releases.sort()).toEqual(['latest', 'v2.1.0'])
  })
})
