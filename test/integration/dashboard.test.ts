import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Locator } from 'playwright-core'
import { collectPageErrors, launchBrowser } from '../helpers/browser.ts'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { fixtureText, githubBranchPush, githubPayload, githubPullRequestOpened } from '../helpers/fixtures.ts'
import { githubHeaders, gitlabHeaders } from '../helpers/sign.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'

const GITHUB_SECRET = 'gh-secret-dashboard-42'
const GITLAB_TOKEN = 'gl-token-dashboard-42'
const ADMIN_TOKEN = 'dashboard-admin-token-0123456789'
/** The README's screenshots: written to docs/ with UPDATE_SCREENSHOTS=1, else to a temp dir (a test run leaves the tree clean). */
const UPDATE_SCREENSHOTS = process.env['UPDATE_SCREENSHOTS'] === '1'
const SHOTS_DIR = UPDATE_SCREENSHOTS ? fileURLToPath(new URL('../../docs/', import.meta.url)) : mkdtempSync(join(tmpdir(), 'hookyard-shots-'))
const SCREENSHOT = join(SHOTS_DIR, 'dashboard.png')
const SCREENSHOT_DETAIL = join(SHOTS_DIR, 'dashboard-delivery.png')

/**
 * github pushes: `build-on-push` matches, `release-on-tag` does not, `canary-builds` fails to
 * evaluate (a runtime JSONata error, with code and position): all three kinds of explain line.
 */
const RULES = `
sources:
  github:
    type: github
    secret: \${GITHUB_SECRET}
  gitlab:
    type: gitlab
    secret: \${GITLAB_TOKEN}
targets:
  ci:
    type: http
    url: \${CI_URL}/trigger
    retry: { attempts: 1 }
    timeout: 2s
  deploy:
    type: http
    url: \${DEPLOY_URL}/deploy
    retry: { attempts: 1 }
  chat:
    type: http
    url: \${CHAT_URL}/notify
    retry: { attempts: 1 }
  preview:
    type: http
    url: \${PREVIEW_URL}/previews
    retry: { attempts: 5, backoff: 60s, max_backoff: 60s }
routes:
  - name: build-on-push
    source: github
    when: event = "push" and push.branch != null
    to: [ci]
    map: '{ "body": { "branch": push.branch, "sha": push.sha, "message": push.message } }'
  - name: release-on-tag
    source: github
    when: event = "push" and push.tag != null
    to: [ci]
    map: '{ "body": { "tag": push.tag } }'
  - name: canary-builds
    source: github
    when: $number(push.branch) > 100
    to: [ci]
  - name: preview-on-pr
    source: github
    when: event = "pull_request"
    to: [preview]
    map: '{ "body": { "repo": body.repository.full_name, "pr": body.number } }'
  - name: deploy-main
    source: gitlab
    when: event = "Push Hook" and push.branch = "main"
    to: [deploy]
    map: '{ "body": { "repo": push.repo, "sha": push.sha } }'
  - name: notify-chat
    source: gitlab
    to: [chat]
    map: '{ "body": { "text": "pushed " & push.repo } }'
`

/** Each element's values of the named attributes, in order. */
async function attrs(list: Locator, ...names: string[]): Promise<(string | null)[][]> {
  const out: (string | null)[][] = []
  for (let i = 0, n = await list.count(); i < n; i++) {
    out.push(await Promise.all(names.map((name) => list.nth(i).getAttribute(name))))
  }
  return out
}

describe('dashboard at /ui in a real headless Chromium', () => {
  let ci: CaptureServer
  let deploy: CaptureServer
  let chat: CaptureServer
  let preview: CaptureServer
  let hy: TestHookyard
  let browser: Browser
  let context: BrowserContext

  beforeAll(async () => {
    ;[ci, deploy, chat, preview] = await Promise.all([startCaptureServer(), startCaptureServer(), startCaptureServer(), startCaptureServer()])
    chat.fallback = { status: 503, body: 'chat is down for maintenance', headers: { 'content-type': 'text/plain' } }
    preview.fallback = { status: 502, body: '<html><body>502 Bad Gateway</body></html>', headers: { 'content-type': 'text/html' } }
    hy = await startTestHookyard({
      rules: { 'dashboard.yaml': RULES },
      env: {
        GITHUB_SECRET,
        GITLAB_TOKEN,
        HOOKYARD_ADMIN_TOKEN: ADMIN_TOKEN,
        CI_URL: ci.url,
        DEPLOY_URL: deploy.url,
        CHAT_URL: chat.url,
        PREVIEW_URL: preview.url,
      },
    })
    browser = await launchBrowser()
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' })
  })
  afterAll(async () => {
    await context?.close()
    await browser?.close()
    await hy?.stop()
    await Promise.all([ci, deploy, chat, preview].map((s) => s?.close()))
    if (!UPDATE_SCREENSHOTS) {
      rmSync(SHOTS_DIR, { recursive: true, force: true })
    }
  })

  async function sendGithub(event: string, payload: unknown): Promise<string> {
    const body = JSON.stringify(payload)
    const res = await hy.post('github', body, githubHeaders(GITHUB_SECRET, event, body))
    expect(res.status).toBeLessThan(300)
    return ((await res.json()) as { event: string }).event
  }

  it('asks for the token when the URL has none, and refuses a wrong one', async () => {
    const page = await context.newPage()
    const errors = collectPageErrors(page)
    await page.goto(`${hy.url}/ui`)
    const prompt = page.getByTestId('token-prompt')
    await prompt.waitFor({ state: 'visible' })
    await page.getByTestId('token-input').fill('not-the-admin-token')
    await page.getByTestId('token-submit').click()
    await expect.poll(() => page.locator('#token-error').textContent()).toContain('refused')
    await page.getByTestId('token-input').fill(hy.adminToken)
    await page.getByTestId('token-submit').click()
    await prompt.waitFor({ state: 'hidden' })
    await expect.poll(() => page.getByTestId('rules-version').textContent()).toBe(hy.app.ruleSet().version)
    expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([])
    await page.close()
  })

  it('takes a token pasted into the URL hash of an open page, without a reload', async () => {
    const page = await context.newPage()
    const errors = collectPageErrors(page)
    await page.goto(`${hy.url}/ui`)
    const prompt = page.getByTestId('token-prompt')
    await prompt.waitFor({ state: 'visible' })
    await page.evaluate('window.notReloaded = true')
    await page.evaluate(`location.hash = ${JSON.stringify(`#token=${encodeURIComponent(hy.adminToken)}`)}`)
    await prompt.waitFor({ state: 'hidden' })
    await expect.poll(() => page.getByTestId('rules-version').textContent()).toBe(hy.app.ruleSet().version)
    expect(await page.evaluate('window.notReloaded')).toBe(true)
    expect(page.url()).not.toContain('token')
    expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([])
    await page.close()
  })

  it('shows a webhook arriving, its explain trace and failed delivery; Replay resends it and the replay is delivered', async () => {
    expect(hy.adminToken).toBe(ADMIN_TOKEN)
    const page = await context.newPage()
    const errors = collectPageErrors(page)
    await page.goto(`${hy.url}/ui#token=${encodeURIComponent(hy.adminToken)}`)
    await page.getByTestId('stats').getByTestId('stat-events').waitFor()
    expect(page.url()).not.toContain('token') // wiped from the address bar at once

    ci.respondWith({ status: 500, body: '{"message":"runner pool offline"}', headers: { 'content-type': 'application/json', 'x-request-id': 'req-7f3a' } })
    const eventId = await sendGithub('push', githubBranchPush())

    // live refresh brings it in, and then its failure
    const row = page.locator(`[data-testid="event-row"][data-id="${eventId}"]`)
    await row.waitFor({ timeout: 10_000 })
    await row.locator('[data-status="failed"]').waitFor({ timeout: 10_000 })
    await page.getByTestId('failed-panel').locator(`[data-testid="failed-group"][data-target="ci"]`).waitFor()

    await row.click()
    const detail = page.getByTestId('event-detail')
    await detail.waitFor()
    const trace = detail.getByTestId('trace-route')
    await expect.poll(() => trace.count()).toBe(4)
    expect(await attrs(trace, 'data-route', 'data-status')).toEqual([
      ['build-on-push', 'matched'],
      ['release-on-tag', 'not_matched'],
      ['canary-builds', 'error'],
      ['preview-on-pr', 'not_matched'],
    ])
    expect(await detail.locator('[data-route="release-on-tag"]').textContent()).toContain('when is false')
    const traceError = await detail.locator('[data-route="canary-builds"] [data-testid="trace-error"]').textContent()
    expect(traceError).toMatch(/D\d{4}/) // the JSONata error code
    expect(traceError).toMatch(/at position \d+/)

    const deliveryRow = detail.getByTestId('delivery-row')
    await expect.poll(() => deliveryRow.count()).toBe(1)
    expect(await deliveryRow.getAttribute('data-status')).toBe('failed')
    const deliveryId = await deliveryRow.getAttribute('data-id')

    await deliveryRow.click()
    const delivery = page.getByTestId('delivery-detail')
    await delivery.waitFor()
    expect(await delivery.getAttribute('data-id')).toBe(deliveryId)
    expect(await delivery.getByTestId('delivery-status').getAttribute('data-status')).toBe('failed')
    const attempt = delivery.getByTestId('attempt')
    await expect.poll(() => attempt.count()).toBe(1)
    expect(await attempt.getByTestId('attempt-status').textContent()).toBe('500')
    expect(await attempt.getAttribute('data-outcome')).toBe('failed')
    expect(await attempt.getByTestId('attempt-excerpt').textContent()).toContain('runner pool offline')
    expect(await delivery.getByTestId('request-body').textContent()).toContain('"branch": "master"')

    await delivery.getByTestId('replay-button').click()
    await expect.poll(() => ci.requests.length, { timeout: 10_000 }).toBe(2)
    const [first, second] = ci.requests
    expect(second!.body).toBe(first!.body)
    expect(second!.url).toBe('/trigger')
    expect(second!.headers['x-hookyard-delivery']).toBe(`${deliveryId}-r1`)

    // the drawer follows the replay, and live refresh shows it delivered
    const replayed = page.locator(`[data-testid="delivery-detail"][data-id="${deliveryId}-r1"]`)
    await replayed.waitFor({ timeout: 5_000 })
    await replayed.locator('[data-testid="delivery-status"][data-status="delivered"]').waitFor({ timeout: 10_000 })
    expect(await replayed.getByTestId('replay-of').textContent()).toBe(deliveryId)
    expect(await replayed.getByTestId('attempt-status').textContent()).toBe('200')

    // back on the event: both deliveries, the replay delivered
    await page.keyboard.press('Escape')
    await detail.waitFor()
    await expect
      .poll(() => attrs(detail.getByTestId('delivery-row'), 'data-id', 'data-status'))
      .toEqual([
        [deliveryId, 'failed'],
        [`${deliveryId}-r1`, 'delivered'],
      ])
    await page.keyboard.press('Escape')
    await page.getByTestId('drawer').waitFor({ state: 'hidden' })
    await row.locator('[data-status="delivered"]').waitFor({ timeout: 10_000 })
    expect(errors).toEqual([])
    await page.close()
  }, 60_000)

  it('shows failures per target at a glance, and Retry failed resends them (screenshots for the README)', async () => {
    const page = await context.newPage()
    const errors = collectPageErrors(page)
    await page.goto(`${hy.url}/ui#token=${encodeURIComponent(hy.adminToken)}`)

    for (const [fixture, event] of [['gitlab/tag-push-hook', 'Tag Push Hook'], ['gitlab/push-hook', 'Push Hook']] as const) {
      const res = await hy.post('gitlab', fixtureText(fixture), gitlabHeaders(GITLAB_TOKEN, event))
      expect(res.status).toBe(202)
    }
    await sendGithub('issues', githubPayload('issues'))
    await sendGithub('pull_request', githubPayload('pull_request'))

    await expect.poll(() => page.getByTestId('event-row').count(), { timeout: 10_000 }).toBe(5)
    const chatGroup = page.locator('[data-testid="failed-group"][data-target="chat"]')
    await chatGroup.waitFor({ timeout: 10_000 })
    await expect.poll(() => deploy.requests.length).toBe(1)
    await page.locator('[data-testid="stat-delivered"] .stat-value[data-value="2"]').waitFor({ timeout: 10_000 })
    await page.locator('[data-testid="stat-retrying"] .stat-value[data-value="1"]').waitFor({ timeout: 10_000 })
    await expect.poll(() => chat.requests.length).toBe(2)

    mkdirSync(SHOTS_DIR, { recursive: true })
    await page.mouse.move(0, 0)
    await page.screenshot({ path: SCREENSHOT })

    // the drawer on the chat failure, in the dark theme, for the README too
    await page.emulateMedia({ colorScheme: 'dark' })
    await chatGroup.getByTestId('failed-row').first().click()
    await page.getByTestId('delivery-detail').getByTestId('attempt').waitFor()
    await page.screenshot({ path: SCREENSHOT_DETAIL })
    await page.emulateMedia({ colorScheme: 'light' })
    await page.keyboard.press('Escape')
    await page.keyboard.press('Escape')
    await page.getByTestId('drawer').waitFor({ state: 'hidden' })

    await chatGroup.getByTestId('retry-failed').click()
    await expect.poll(() => chat.requests.length, { timeout: 10_000 }).toBe(4)
    expect(chat.requests.slice(2).map((r) => r.body).sort()).toEqual(chat.requests.slice(0, 2).map((r) => r.body).sort())
    // the replays fail too (chat is still down): four failures, the first two marked replayed
    await expect.poll(() => chatGroup.getByTestId('failed-row').count(), { timeout: 10_000 }).toBe(4)
    expect(await chatGroup.locator('.tag').count()).toBe(2)
    expect(await chatGroup.getByTestId('retry-failed').textContent()).toContain('2')
    expect(errors).toEqual([])
    await page.close()
  }, 60_000)

  it('escapes what senders send, and works from the keyboard', async () => {
    const page = await context.newPage()
    const errors = collectPageErrors(page)
    await page.goto(`${hy.url}/ui#token=${encodeURIComponent(hy.adminToken)}`)
    const evil = '<img src=x onerror="window.__pwned=1">'
    const id = await sendGithub(evil, { zen: 'hi', hook_id: 1 })
    const row = page.locator(`[data-testid="event-row"][data-id="${id}"]`)
    await row.waitFor({ timeout: 10_000 })
    expect(await row.locator('.evt').textContent()).toBe(evil)

    // j focuses the newest row, Enter opens it, Esc closes; p pauses live refresh
    await page.keyboard.press('j')
    await page.keyboard.press('Enter')
    const detail = page.getByTestId('event-detail')
    await detail.waitFor()
    expect(await detail.getAttribute('data-id')).toBe(id)
    expect(await detail.locator('h2').first().textContent()).toBe(evil)
    expect(await page.locator('img').count()).toBe(0)
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined')
    await page.keyboard.press('Escape')
    await page.getByTestId('drawer').waitFor({ state: 'hidden' })
    expect(await page.locator(':focus').getAttribute('data-id')).toBe(id) // focus back on its row
    await page.keyboard.press('p')
    expect(await page.getByTestId('live-toggle').getAttribute('aria-pressed')).toBe('false')
    expect(await page.getByTestId('connection').textContent()).toContain('Paused')
    await page.getByTestId('live-toggle').click()
    expect(await page.getByTestId('connection').textContent()).toContain('Live')
    expect(errors).toEqual([])
    await page.close()
  })

  it('lists a paused target with a Resume button that resumes it', async () => {
    const page = await context.newPage()
    const errors = collectPageErrors(page)
    await page.goto(`${hy.url}/ui#token=${encodeURIComponent(hy.adminToken)}`)
    await page.getByTestId('stats').getByTestId('stat-events').waitFor()
    expect(await page.getByTestId('paused-target').count()).toBe(0)
    const paused = await fetch(`${hy.url}/api/targets/deploy/pause`, { method: 'POST', headers: { authorization: `Bearer ${hy.adminToken}` } })
    expect(paused.status).toBe(200)
    const item = page.locator('[data-testid="paused-target"][data-target="deploy"]')
    await item.waitFor({ timeout: 10_000 })
    await item.getByTestId('resume-target').click()
    await item.waitFor({ state: 'detached', timeout: 10_000 })
    const targets = (await (await fetch(`${hy.url}/api/targets`, { headers: { authorization: `Bearer ${hy.adminToken}` } })).json()) as { items: { name: string; state: string }[] }
    expect(targets.items.find((t) => t.name === 'deploy')?.state).toBe('active')
    expect(errors).toEqual([])
    await page.close()
  })

  it('sums up a pull request from a fork: number, action, branches, flags', async () => {
    const payload = githubPullRequestOpened() as { pull_request: { head: { repo: Record<string, unknown> } } }
    payload.pull_request.head.repo = { ...payload.pull_request.head.repo, full_name: 'octocat/Hello-World' }
    const page = await context.newPage()
    const errors = collectPageErrors(page)
    await page.goto(`${hy.url}/ui#token=${encodeURIComponent(hy.adminToken)}`)
    const id = await sendGithub('pull_request', payload)
    const row = page.locator(`[data-testid="event-row"][data-id="${id}"]`)
    await row.waitFor({ timeout: 10_000 })
    await row.click()
    const summary = page.getByTestId('event-detail').getByTestId('pr-summary')
    await summary.waitFor()
    const number = summary.getByTestId('pr-number')
    expect(await number.textContent()).toBe('#2')
    expect(await number.getAttribute('href')).toBe('https://github.com/Codertocat/Hello-World/pull/2')
    expect(await summary.getByTestId('pr-action').textContent()).toBe('opened')
    expect(await summary.getByTestId('pr-branches').textContent()).toBe('octocat/Hello-World:changes → master')
    expect(await summary.getByTestId('pr-flags').textContent()).toBe('from a fork')
    expect(await summary.textContent()).toContain('Update the README with new information.')
    expect(await page.getByTestId('push-summary').count()).toBe(0)
    expect(errors).toEqual([])
    await page.close()
  })
})

