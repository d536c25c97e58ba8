import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { githubBranchPush } from '../helpers/fixtures.ts'
import { githubHeaders } from '../helpers/sign.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'

const GH = 'github-secret-for-response-headers'
const TOKEN = 'admin-token-for-response-headers'

describe('API answers may be neither sniffed nor cached', () => {
  let target: CaptureServer
  let hy: TestHookyard

  beforeAll(async () => {
    target = await startCaptureServer()
    hy = await startTestHookyard({
      rules: {
        'hooks.yaml': `
sources:
  github: { type: github, secret: "\${GH}" }
targets:
  ci: { type: http, url: ${target.url}/ci }
routes:
  - { name: pushes, source: github, to: ci, map: '{ "body": { "sha": push.sha } }' }
`,
      },
      env: { GH, HOOKYARD_ADMIN_TOKEN: TOKEN },
    })
  })
  afterAll(async () => {
    await hy.stop()
    await target.close()
  })

  function expectApiHeaders(res: Response): void {
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('cache-control')).toBe('no-store')
  }

  it('on webhook answers: accepted, refused and unknown source', async () => {
    const body = JSON.stringify(githubBranchPush())
    const accepted = await hy.post('github', body, githubHeaders(GH, 'push', body))
    expect(accepted.status).toBe(202)
    expectApiHeaders(accepted)
    const refused = await hy.post('github', body, githubHeaders('wrong-secret', 'push', body))
    expect(refused.status).toBe(401)
    expectApiHeaders(refused)
    const unknown = await hy.post('nope', body, githubHeaders(GH, 'push', body))
    expect(unknown.status).toBe(404)
    expectApiHeaders(unknown)
    const browser = await fetch(`${hy.url}/hooks/github`)
    expect(browser.status).toBe(405)
    expectApiHeaders(browser)
  })

  it('on the admin API, with and without the token', async () => {
    const events = await fetch(`${hy.url}/api/events`, { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(events.status).toBe(200)
    expectApiHeaders(events)
    const anonymous = await fetch(`${hy.url}/api/events`)
    expect(anonymous.status).toBe(401)
    expectApiHeaders(anonymous)
  })

  it('on /healthz, /readyz and unknown paths', async () => {
    for (const path of ['/healthz', '/readyz', '/no-such-path']) {
      const res = await fetch(`${hy.url}${path}`)
      expectApiHeaders(res)
    }
  })

  it('leaves the dashboard its own caching (revalidated, not forbidden)', async () => {
    const page = await fetch(`${hy.url}/ui`)
    expect(page.status).toBe(200)
    expect(page.headers.get('cache-control')).toBe('no-cache')
    expect(page.headers.get('x-content-type-options')).toBe('nosniff')
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'")
  })
})
