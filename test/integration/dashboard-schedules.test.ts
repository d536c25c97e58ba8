import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { collectPageErrors, launchBrowser } from '../helpers/browser.ts'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'
import { waitUntil } from '../helpers/wait-until.ts'

const ADMIN_TOKEN = 'dashboard-schedules-token-0123456789'

describe('schedules on the dashboard, in a real headless Chromium', () => {
  let ci: CaptureServer
  let hy: TestHookyard
  let browser: Browser

  beforeAll(async () => {
    ci = await startCaptureServer()
    hy = await startTestHookyard({
      rules: {
        'nightly.yaml': `
sources:
  nightly:
    type: schedule
    cron: "30 0 * * *"
    timezone: Europe/Berlin
    body: { reason: nightly }
targets:
  ci:
    type: http
    url: ${ci.url}/trigger
routes:
  - name: nightly-build
    source: nightly
    to: ci
    map: '{ "body": { "reason": body.reason, "delivery": delivery } }'
`,
      },
      env: { HOOKYARD_ADMIN_TOKEN: ADMIN_TOKEN },
    })
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await hy?.stop()
    await ci?.close()
  })

  it('lists each schedule with its next fire, and Run now fires it and links the event', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    const errors = collectPageErrors(page)
    await page.goto(`${hy.url}/ui#token=${encodeURIComponent(ADMIN_TOKEN)}`)
    const panel = page.getByTestId('schedules-panel')
    await panel.waitFor({ state: 'visible' })
    const row = panel.locator('[data-testid="schedule-row"][data-name="nightly"]')
    await expect(row.textContent()).resolves.toContain('30 0 * * *')
    await expect(row.textContent()).resolves.toContain('Europe/Berlin')
    // the next fire is 00:30 in Berlin: 22:30 or 23:30 UTC
    const next = await row.getByTestId('schedule-next').locator('time').getAttribute('datetime')
    expect(next).toMatch(/T2[23]:30:00\.000Z$/)
    await expect(row.getByTestId('schedule-last').textContent()).resolves.toBe('never')

    await row.getByTestId('schedule-run').click()
    await waitUntil(() => ci.requests.length === 1, 10_000, 'the manual run to reach the target')
    const sent = JSON.parse(ci.requests[0]!.body) as { reason: string; delivery: string }
    expect(sent.reason).toBe('nightly')
    expect(sent.delivery).toMatch(/^nightly@manual-/)

    // the last-fire cell now opens the event the run created
    const last = row.getByTestId('schedule-last').locator('button')
    await last.waitFor({ timeout: 10_000 })
    await last.click()
    const drawer = page.getByTestId('drawer')
    await drawer.waitFor({ state: 'visible' })
    await waitUntil(async () => ((await drawer.textContent()) ?? '').includes('nightly-build'), 10_000, 'the event drawer to show the route')
    expect(errors).toEqual([])
    await page.close()
  })
})
