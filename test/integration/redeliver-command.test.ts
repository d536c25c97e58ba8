import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/run-cli.ts'

const ADMIN_TOKEN = 'ghp_redeliverSECRET0123456789'
const HOOK = '/repos/acme/app/hooks/42'

/** Minutes ago, as GitHub writes delivered_at. */
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z')

/**
 * A hook's delivery log as GitHub's "list deliveries" returns it, newest first, two pages:
 * G3 failed and its redelivery failed too; G2 failed, then a redelivery got through; G4 went
 * through at once; G1 never got an answer; G0 failed 30 hours ago, before the window.
 */
function deliveryPages() {
  const d = (id: number, guid: string, minutes: number, status_code: number, status: string, redelivery = false) => ({
    id,
    guid,
    delivered_at: ago(minutes),
    redelivery,
    duration: 0.2,
    status,
    status_code,
    event: 'push',
    action: null,
    installation_id: null,
    repository_id: 1296269,
  })
  return [
    [d(1006, 'g3', 5, 502, 'Bad Gateway', true), d(1005, 'g2', 10, 202, 'OK', true), d(1004, 'g4', 20, 202, 'OK')],
    [d(1003, 'g3', 30, 502, 'Bad Gateway'), d(1002, 'g2', 40, 0, 'failed to connect'), d(1001, 'g1', 120, 0, 'timed out'), d(1000, 'g0', 1800, 0, 'failed to connect')],
    [d(999, 'g-1', 2000, 0, 'failed to connect')],
  ]
}

/** A real HTTP server standing in for the GitHub REST API: pages of deliveries, redelivery requests recorded. */
function startFakeGitHub() {
  const calls: { method: string; url: string; authorization: string | undefined }[] = []
  let answer: { status: number; body: string } | null = null
  const pages = deliveryPages()
  const server: Server = createServer((req, res) => {
    calls.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization })
    const url = new URL(req.url ?? '/', 'http://x')
    res.setHeader('content-type', 'application/json; charset=utf-8')
    if (answer) {
      res.writeHead(answer.status).end(answer.body)
    } else if (req.method === 'GET' && url.pathname === `${HOOK}/deliveries`) {
      const page = Number(url.searchParams.get('cursor') ?? '0')
      if (page + 1 < pages.length) {
        res.setHeader('link', `<http://127.0.0.1:${port()}${HOOK}/deliveries?per_page=100&cursor=${page + 1}>; rel="next"`)
      }
      res.writeHead(200).end(JSON.stringify(pages[page] ?? []))
    } else if (req.method === 'POST' && /^\/repos\/acme\/app\/hooks\/42\/deliveries\/\d+\/attempts$/.test(url.pathname)) {
      res.writeHead(202).end('{}')
    } else {
      res.writeHead(404).end('{"message":"Not Found"}')
    }
  })
  const port = () => (server.address() as AddressInfo).port
  return {
    calls,
    failWith: (status: number, body: string | null) => (answer = body === null ? null : { status, body }),
    listen: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${port()}`))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

describe('hookyard redeliver: catch up on what GitHub could not deliver', () => {
  const github = startFakeGitHub()
  let dir: string
  let env: Record<string, string>

  beforeAll(async () => {
    const api = await github.listen()
    dir = mkdtempSync(join(tmpdir(), 'hookyard-redeliver-'))
    writeFileSync(
      join(dir, 'rules.yaml'),
      `sources:
  github:
    type: github
    secret: \${GITHUB_WEBHOOK_SECRET}
    redeliver:
      hook: repos/acme/app/hooks/42
      token: \${GITHUB_ADMIN_TOKEN}
      url: \${GITHUB_API_URL}
targets:
  ci: { type: http, url: "http://127.0.0.1:9/build" }
routes:
  - name: builds
    source: github
    to: [ci]
`
    )
    env = { GITHUB_WEBHOOK_SECRET: 'hook-secret', GITHUB_ADMIN_TOKEN: ADMIN_TOKEN, GITHUB_API_URL: api }
  })
  afterAll(async () => {
    await github.close()
    rmSync(dir, { recursive: true, force: true })
  })
  beforeEach(() => {
    github.calls.length = 0
    github.failWith(0, null)
  })

  it('asks GitHub to send again the newest attempt of each delivery in the window that never got a 2xx', async () => {
    const res = await runCli(['redeliver', '--rules', dir], env)
    expect(res.stderr).toBe('')
    expect(res.code).toBe(0)
    const posts = github.calls.filter((c) => c.method === 'POST').map((c) => c.url)
    expect(posts).toEqual([`${HOOK}/deliveries/1001/attempts`, `${HOOK}/deliveries/1006/attempts`])
    // paging stops at the page that reaches past the window; the token goes with every call
    expect(github.calls.filter((c) => c.method === 'GET').map((c) => new URL(c.url, 'http://x').searchParams.get('cursor'))).toEqual([null, '1'])
    expect(github.calls.every((c) => c.authorization === `Bearer ${ADMIN_TOKEN}`)).toBe(true)
    expect(res.stdout).toContain('github (repos/acme/app/hooks/42): 2 deliveries since')
    expect(res.stdout).toContain('redelivery requested for 2')
    expect(res.stdout).toMatch(/push {2}g1 {2}last answer: none timed out/)
    expect(res.stdout).toMatch(/push {2}g3 {2}last answer: 502 Bad Gateway/)
    expect(res.stdout).not.toContain('g2')
  })

  it('--dry-run lists the same deliveries and asks for nothing; --since widens the window; --json', async () => {
    const res = await runCli(['redeliver', '--rules', dir, '--dry-run', '--since', '2d', '--json'], env)
    expect(res.code).toBe(0)
    expect(github.calls.filter((c) => c.method === 'POST')).toEqual([])
    const report = JSON.parse(res.stdout) as { dry_run: boolean; sources: { source: string; failed: { id: number }[]; redelivered: number; error: null }[] }
    expect(report.dry_run).toBe(true)
    expect(report.sources).toEqual([expect.objectContaining({ source: 'github', redelivered: 0, error: null })])
    expect(report.sources[0]!.failed.map((f) => f.id)).toEqual([999, 1000, 1001, 1006])
  })

  it('a refused token: exit 1 with GitHub\'s message and a hint, the token never printed', async () => {
    github.failWith(401, '{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}')
    const res = await runCli(['redeliver', '--rules', dir], env)
    expect(res.code).toBe(1)
    expect(res.stdout).toContain('error: GitHub answered 401 listing the deliveries of repos/acme/app/hooks/42: Bad credentials (does the token have admin rights')
    expect(res.stdout + res.stderr).not.toContain(ADMIN_TOKEN)
  })

  it('says what to configure when no github source has redeliver, and refuses a bad --since', async () => {
    const res = await runCli(['redeliver', '--rules', 'rules'], {})
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('no github source has redeliver: { hook, token }')
    const since = await runCli(['redeliver', '--rules', dir, '--since', 'yesterday'], env)
    expect(since.code).toBe(2)
    expect(since.stderr).toContain('hookyard redeliver: --since: invalid duration "yesterday"')
  })
})
