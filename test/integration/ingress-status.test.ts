import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRedisServer } from '../../src/embedded-redis.ts'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { fixtureText, githubBranchPush, githubPing } from '../helpers/fixtures.ts'
import { bitbucketHeaders, giteaHeaders, githubHeaders, gitlabHeaders, tokenHeaders } from '../helpers/sign.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'

const GH = 'github-secret-for-status-tests'
const GL = 'gitlab-token-for-status-tests'
const BB = 'bitbucket-secret-for-status'
const GT = 'gitea-secret-for-status'
const PG = 'proget-token-for-status'

function rulesFor(targetUrl: string): Record<string, string> {
  return {
    'all.yaml': `
sources:
  github: { type: github, secrets: ["\${OLD_GH:-old-github-secret-rotated}", "\${GH}"] }
  gitlab: { type: gitlab, secret: "\${GL}" }
  bitbucket: { type: bitbucket, secret: "\${BB}" }
  gitea: { type: gitea, secret: "\${GT}" }
  proget: { type: proget, secret: "\${PG}" }
targets:
  ci:
    type: http
    url: ${targetUrl}/ci
routes:
  - name: pushes-to-master
    source: [github, gitlab, bitbucket, gitea]
    when: push.branch = "master" or push.branch = "main"
    to: ci
    map: '{ "body": { "source": source, "sha": push.sha } }'
  - name: packages
    source: proget
    to: ci
    map: '{ "body": package }'
`,
  }
}

const env = { GH, GL, BB, GT, PG }

describe('ingress status policy', () => {
  let target: CaptureServer
  let hy: TestHookyard

  beforeAll(async () => {
    target = await startCaptureServer()
    hy = await startTestHookyard({ rules: rulesFor(target.url), env, })
  })
  afterAll(async () => {
    await hy.stop()
    await target.close()
  })

  const push = JSON.stringify(githubBranchPush())

  it('202 with the delivery ids for a verified, matching event', async () => {
    const res = await hy.post('github', push, githubHeaders(GH, 'push', push))
    expect(res.status).toBe(202)
    const body = (await res.json()) as { event: string; deliveries: { id: string; route: string; target: string }[] }
    expect(body.event).toMatch(/^ev_/)
    expect(body.deliveries).toEqual([{ id: `${body.event}-1`, route: 'pushes-to-master', target: 'ci', status: 'queued' }])
  })

  it('accepts the older of two rotated secrets', async () => {
    const res = await hy.post('github', push, githubHeaders('old-github-secret-rotated', 'push', push))
    expect(res.status).toBe(202)
  })

  it('200 for a ping, triggering nothing', async () => {
    const ping = JSON.stringify(githubPing())
    const res = await hy.post('github', ping, githubHeaders(GH, 'ping', ping))
    expect(res.status).toBe(200)
    const body = (await res.json()) as { event: string; deliveries: unknown[]; reason: string }
    expect(body.deliveries).toEqual([])
    expect(body.reason).toMatch(/ping/)
    // a later event arriving proves the queue moved past anything the ping could have caused
    const later = await hy.post('github', push, githubHeaders(GH, 'push', push))
    const { event } = (await later.json()) as { event: string }
    await expect.poll(() => target.requests.some((r) => r.headers['x-hookyard-delivery'] === `${event}-1`)).toBe(true)
    expect(target.requests.some((r) => r.headers['x-hookyard-delivery']?.startsWith(body.event))).toBe(false)
  })

  it('200 with a reason when no route matches', async () => {
    const payload = githubBranchPush()
    payload['ref'] = 'refs/heads/feature-x'
    const text = JSON.stringify(payload)
    const res = await hy.post('github', text, githubHeaders(GH, 'push', text))
    expect(res.status).toBe(200)
    const body = (await res.json()) as { event: string; deliveries: unknown[]; reason: string; routes: { route: string; status: string; reason: string }[] }
    expect(body.deliveries).toEqual([])
    expect(body.reason).toBe('no route matched')
    // as precise as the dry run, and the same words in the stored explain trace the dashboard shows
    const reason = 'when is false: none of: push.branch = "master" (push.branch is "feature-x"); push.branch = "main" (push.branch is "feature-x")'
    expect(body.routes).toEqual([{ route: 'pushes-to-master', status: 'not_matched', reason }])
    const stored = await fetch(`${hy.url}/api/events/${body.event}`, { headers: { authorization: `Bearer ${hy.adminToken}` } })
    expect(((await stored.json()) as { event: { routes: unknown[] } }).event.routes).toEqual([{ route: 'pushes-to-master', status: 'not_matched', reason }])
  })

  it('200 duplicate for a repeated sender delivery id, and nothing is enqueued again', async () => {
    const headers = githubHeaders(GH, 'push', push, { delivery: '72d3162e-cc78-11e3-81ab-4c9367dc0958' })
    const first = await hy.post('github', push, headers)
    expect(first.status).toBe(202)
    const { event } = (await first.json()) as { event: string }
    await expect.poll(() => target.requests.filter((r) => r.headers['x-hookyard-delivery'] === `${event}-1`).length).toBe(1)
    const again = await hy.post('github', push, headers)
    expect(again.status).toBe(200)
    expect(await again.json()).toEqual({ event, duplicate: true })
    const gitlabBody = fixtureText('gitlab/push-hook')
    const glHeaders = gitlabHeaders(GL, 'Push Hook', { idempotencyKey: 'f5a6a5c8-3b2e-4c1d-9e8f-7a6b5c4d3e2f' })
    expect((await hy.post('gitlab', gitlabBody, glHeaders)).status).toBe(202)
    expect((await hy.post('gitlab', gitlabBody, { ...glHeaders, 'x-gitlab-event-uuid': 'another' })).status).toBe(200)
    // a later, distinct event proves the queue moved on without re-sending the duplicate
    const distinct = await hy.post('github', push, githubHeaders(GH, 'push', push))
    const { event: later } = (await distinct.json()) as { event: string }
    await expect.poll(() => target.requests.some((r) => r.headers['x-hookyard-delivery'] === `${later}-1`)).toBe(true)
    expect(target.requests.filter((r) => r.headers['x-hookyard-delivery'] === `${event}-1`)).toHaveLength(1)
  })

  describe('401 with a generic message, the reason only in the log', () => {
    const cases: [string, () => [string, string, Record<string, string>]][] = [
      ['github tampered body', () => ['github', push.replace('Initial commit', 'Evil commit'), githubHeaders(GH, 'push', push)]],
      ['github missing signature', () => ['github', push, githubHeaders(null, 'push', push)]],
      ['github wrong secret', () => ['github', push, githubHeaders('not-the-secret', 'push', push)]],
      ['gitlab missing token', () => ['gitlab', fixtureText('gitlab/push-hook'), gitlabHeaders(null, 'Push Hook')]],
      ['gitlab wrong token', () => ['gitlab', fixtureText('gitlab/push-hook'), gitlabHeaders('wrong', 'Push Hook')]],
      ['bitbucket wrong secret', () => {
        const b = fixtureText('bitbucket/repo-push')
        return ['bitbucket', b, bitbucketHeaders('wrong-secret', 'repo:push', b)]
      }],
      ['bitbucket tampered', () => {
        const b = fixtureText('bitbucket/repo-push')
        return ['bitbucket', b.replace('main', 'mainx'), bitbucketHeaders(BB, 'repo:push', b)]
      }],
      ['gitea missing signature', () => {
        const b = fixtureText('gitea/push')
        return ['gitea', b, giteaHeaders(null, 'push', b)]
      }],
      ['gitea wrong secret', () => {
        const b = fixtureText('gitea/push')
        return ['gitea', b, giteaHeaders('nope-nope', 'push', b)]
      }],
      ['proget wrong token', () => ['proget', fixtureText('proget/package-promoted'), tokenHeaders('wrong-token')]],
      ['proget missing token', () => ['proget', fixtureText('proget/package-promoted'), tokenHeaders(null)]],
    ]
    for (const [name, make] of cases) {
      it(name, async () => {
        const [source, body, headers] = make()
        const res = await hy.post(source, body, headers)
        expect(res.status).toBe(401)
        expect(await res.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: 'signature or token missing or invalid' } })
      })
    }
    it('logs the reason', () => {
      expect(hy.logs.some((l) => l.includes('"msg":"webhook rejected"') && l.includes('"reason"'))).toBe(true)
    })
  })

  it('404 for an unknown source', async () => {
    const res = await hy.post('nope', '{}', { 'content-type': 'application/json' })
    expect(res.status).toBe(404)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('SOURCE_UNKNOWN')
  })

  it('400 for a body that is not valid JSON', async () => {
    const bad = '{"ref": "refs/heads/master", '
    const res = await hy.post('github', bad, githubHeaders(GH, 'push', bad))
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BODY_INVALID')
  })

  it('400 "empty body" for an empty signed body', async () => {
    const res = await hy.post('github', '', githubHeaders(GH, 'push', ''))
    expect(res.status).toBe(400)
    const { error } = (await res.json()) as { error: { code: string; message: string } }
    expect(error.code).toBe('BODY_INVALID')
    expect(error.message).toMatch(/^empty body/)
  })

  it('400 saying the body was read as form fields for JSON posted form-encoded without a payload field', async () => {
    const res = await hy.post('github', push, { ...githubHeaders(GH, 'push', push), 'content-type': 'application/x-www-form-urlencoded' })
    expect(res.status).toBe(400)
    const { error } = (await res.json()) as { error: { code: string; message: string } }
    expect(error.code).toBe('BODY_INVALID')
    expect(error.message).toContain('read as form fields')
  })

  it('405 with Allow: POST for GET and PUT on a webhook URL, saying what the URL is for', async () => {
    for (const method of ['GET', 'PUT']) {
      const res = await fetch(`${hy.url}/hooks/github`, { method })
      expect(res.status).toBe(405)
      expect(res.headers.get('allow')).toBe('POST')
      const { error } = (await res.json()) as { error: { code: string; message: string } }
      expect(error.message).toContain('webhook URL')
      expect(error.message).not.toContain('no source named')
    }
    const unknown = await fetch(`${hy.url}/hooks/nope`)
    expect(unknown.status).toBe(405)
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain('no source named "nope"')
  })

  it('GET / redirects to the dashboard', async () => {
    const res = await fetch(`${hy.url}/`, { redirect: 'manual' })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('/ui')
  })

  it('413 for a body over the limit, streamed without a Content-Length too', async () => {
    const small = await startTestHookyard({ rules: rulesFor(target.url), env: { ...env, MAX_BODY_BYTES: '1024' } })
    try {
      const big = JSON.stringify({ pad: 'x'.repeat(4096) })
      const res = await small.post('github', big, githubHeaders(GH, 'push', big))
      expect(res.status).toBe(413)
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 8; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(512)))
          controller.close()
        },
      })
      const streamed = await fetch(`${small.url}/hooks/github`, {
        method: 'POST',
        body: stream,
        headers: githubHeaders(GH, 'push', big),
        duplex: 'half',
      })
      expect(streamed.status).toBe(413)
    } finally {
      await small.stop()
    }
  })
})

describe('503 + Retry-After while Redis is unavailable', () => {
  it('acknowledges nothing it has not stored, and resumes by itself when Redis returns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookyard-redis-down-'))
    const redis = await startRedisServer({ dir })
    const target = await startCaptureServer()
    const hy = await startTestHookyard({ rules: rulesFor(target.url), env, redisUrl: redis.url })
    let restarted: Awaited<ReturnType<typeof startRedisServer>> | undefined
    try {
      const push = JSON.stringify(githubBranchPush())
      await redis.stop()
      const res = await hy.post('github', push, githubHeaders(GH, 'push', push))
      expect(res.status).toBe(503)
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('STORE_UNAVAILABLE')
      expect((await fetch(`${hy.url}/readyz`)).status).toBe(503)

      restarted = await startRedisServer({ dir, port: redis.port })
      await expect.poll(async () => (await fetch(`${hy.url}/readyz`)).status, { timeout: 20_000 }).toBe(200)
      const again = await hy.post('github', push, githubHeaders(GH, 'push', push))
      expect(again.status).toBe(202)
      await expect.poll(() => target.requests.length, { timeout: 20_000 }).toBe(1)
    } finally {
      await hy.stop()
      await restarted?.stop()
      await target.close()
    }
  })
})
