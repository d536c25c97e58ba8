import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { collectPageErrors, launchBrowser } from '../helpers/browser.ts'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { githubBranchPush } from '../helpers/fixtures.ts'
import { githubHeaders } from '../helpers/sign.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'

const SECRET = 'dashboard-fixes-secret'
const ADMIN_TOKEN = 'dashboard-fixes-token-0123456789'
/** the breaker opens after this many failed attempts in a row; the probe after the pause fails too */
const THRESHOLD = 4

/** The summary cards, the schedules table and a paused target, as the dashboard and its API show them. */
describe('dashboard details, in a real headless Chromium', () => {
  let downTarget: CaptureServer
  let ci: CaptureServer
  let hy: TestHookyard
  let browser: Browser

  beforeAll(async () => {
    ;[downTarget, ci] = await Promise.all([startCaptureServer(), startCaptureServer()])
    downTarget.fallback = { status: 500, body: 'down' }
    hy = await startTestHookyard({
      env: { SECRET, HOOKYARD_ADMIN_TOKEN: ADMIN_TOKEN },
      rules: {
        'r.yaml': `
sources:
  github: { type: github, secret: "\${SECRET}" }
  nightly:
    type: schedule
    cron: "30 0 * * *"
targets:
  down:
    type: http
    url: ${downTarget.url}/build
    retry: { attempts: 10, backoff: 50ms, max_backoff: 50ms }
    circuit: { failures: ${THRESHOLD}, pause: 1s }
  ci:
    type: http
    url: ${ci.url}/build
routes:
  - { name: to-down, source: github, to: down, map: '{ "body": { "sha": push.sha } }' }
  - { name: nightly-build, source: nightly, to: ci }
`,
      },
    })
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await hy?.stop()
    await Promise.all([downTarget, ci].map((s) => s?.close()))
  })

  const api = async <T,>(path: string, init: RequestInit = {}): Promise<T> => {
    const res = await fetch(`${hy.url}/api${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...init.headers } })
    expect(res.status).toBeLessThan(300)
    return (await res.json()) as T
  }

  it('a target paused again by a failed probe counts that failure too', async () => {
    const body = JSON.stringify(githubBranchPush())
    expect((await hy.post('github', body, githubHeaders(SECRET, 'push', body))).status).toBe(202)
    type Targets = { items: { name: string; state: string; consecutive_failures: number }[] }
    const down = async () => (await api<Targets>('/targets')).items.find((t) => t.name === 'down')
    await expect.poll(down, { timeout: 10_000 }).toMatchObject({ state: 'paused', consecutive_failures: THRESHOLD })
    // the probe after the 1 s pause fails: paused again (for 2 s), with one more failure in the row
    await expect.poll(() => downTarget.requests.length, { timeout: 10_000 }).toBe(THRESHOLD + 1)
    await expect.poll(down, { timeout: 1_500 }).toMatchObject({ state: 'paused', consecutive_failures: THRESHOLD + 1 })
  })

  async function openDashboard(width: number) {
    const page = await browser.newPage({ viewport: { width, height: 900 } })
    const errors = collectPageErrors(page)
    await page.goto(`${hy.url}/ui#token=${encodeURIComponent(ADMIN_TOKEN)}`)
    await page.getByTestId('stats').getByTestId('stat-queue').waitFor()
    return { page, errors }
  }

  /** The summary cards' top edges, rounded, in card order. */
  async function cardRows(width: number): Promise<number[][]> {
    const { page, errors } = await openDashboard(width)
    const cards = await page.locator('[data-testid="stats"] .stat').all()
    const boxes = await Promise.all(cards.map(async (card) => Math.round((await card.boundingBox())?.y ?? -1)))
    expect(errors).toEqual([])
    await page.close()
    const rows = new Map<number, number[]>()
    boxes.forEach((top, i) => rows.set(top, [...(rows.get(top) ?? []), i]))
    return [...rows.values()]
  }

  it('lays the eight summary cards out evenly: one row at 1400 px, two rows of four at 1000 px', async () => {
    expect(await cardRows(1400)).toEqual([[0, 1, 2, 3, 4, 5, 6, 7]])
    expect(await cardRows(1000)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]])
  })

  it('marks a schedule last run by hand with plain "manual" text, not a link beside the Run now button', async () => {
    const { page, errors } = await openDashboard(1400)
    const row = page.locator('[data-testid="schedule-row"][data-name="nightly"]')
    await row.getByTestId('schedule-run').click()
    const marker = row.getByTestId('schedule-last').getByTestId('schedule-manual')
    await marker.waitFor({ timeout: 10_000 })
    expect(await marker.textContent()).toBe('manual')
    expect(await row.locator('button:has([data-testid="schedule-manual"]), a:has([data-testid="schedule-manual"])').count()).toBe(0)
    // the only button reading "run now" is the Run now button itself
    const runNow = row.locator('button', { hasText: /run now/i })
    expect(await runNow.count()).toBe(1)
    expect(await runNow.getAttribute('data-testid')).toBe('schedule-run')
    expect(errors).toEqual([])
    await page.close()
  })

})
