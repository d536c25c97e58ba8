import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { adminClient, type AdminClient, type DeliveryDetail } from '../helpers/admin-client.ts'
import { collectPageErrors, launchBrowser } from '../helpers/browser.ts'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { githubBranchPush } from '../helpers/fixtures.ts'
import { githubHeaders } from '../helpers/sign.ts'
import { startTestHookyard, type TestHookyard } from '../helpers/test-hookyard.ts'
import { waitUntil } from '../helpers/wait-until.ts'

const GITHUB_SECRET = 'gh-secret-build-reference-42'
const BITRISE_TOKEN = 'bitrise-trigger-token-build-ref-9f8e7d'
const BUILDKITE_TOKEN = 'bkua_build-reference-0123456789abcdef'

/** Bitrise's documented answer to `POST /app/{slug}/build/start.json`. */
const BITRISE_ANSWER = {
  status: 'ok',
  message: 'webhook processed',
  service: 'bitrise',
  slug: 'f5a3b8c1d2e4f607',
  build_slug: '8a7b6c5d4e3f2a1b',
  build_number: 42,
  build_url: 'https://app.bitrise.io/build/8a7b6c5d4e3f2a1b',
  triggered_workflow: 'primary',
  results: [
    {
      status: 'ok',
      message: 'webhook processed',
      build_slug: '8a7b6c5d4e3f2a1b',
      build_number: 42,
      build_url: 'https://app.bitrise.io/build/8a7b6c5d4e3f2a1b',
      triggered_workflow: 'primary',
      triggered_pipeline: '',
    },
  ],
}

/** A Buildkite build as its API answers a create: the pipeline and jobs make it far longer than the stored 2 KiB excerpt. */
function buildkiteAnswer(): unknown {
  const job = (n: number) => ({
    id: `0190f0e3-${String(n).padStart(4, '0')}-4f1e-9d2a-3c4b5a6d7e8f`,
    type: 'script',
    name: `:hammer: step ${n}`,
    step_key: `step-${n}`,
    state: 'scheduled',
    web_url: `https://buildkite.com/acme/app/builds/318#0190f0e3-${n}`,
    command: 'scripts/ci/run-step.sh --with-a-long-list-of-flags --and-more-of-them',
    agent_query_rules: ['queue=default'],
    created_at: '2024-03-05T02:46:56.080Z',
  })
  return {
    id: 'f62a1b4d-10f9-4790-bc1c-e2c3a0c80983',
    graphql_id: 'QnVpbGQtLS1mNjJhMWI0ZC0xMGY5LTQ3OTAtYmMxYy1lMmMzYTBjODA5ODM=',
    url: 'https://api.buildkite.com/v2/organizations/acme/pipelines/app/builds/318',
    jobs: Array.from({ length: 20 }, (_, i) => job(i + 1)),
    pipeline: { id: '849411f9-9e6d-4739-a0d8-e247088e9b52', slug: 'app', name: 'App', repository: 'git@github.com:acme/app.git' },
    web_url: 'https://buildkite.com/acme/app/builds/318',
    number: 318,
    state: 'scheduled',
  }
}

const RULES = `
sources:
  github:
    type: github
    secret: \${GITHUB_SECRET}
targets:
  bitrise:
    type: bitrise
    url: \${BITRISE_URL}
    app_slug: f5a3b8c1d2e4f607
    token: \${BITRISE_TOKEN}
    retry: { attempts: 1 }
  hostile:
    type: bitrise
    url: \${HOSTILE_URL}
    app_slug: hostile
    token: \${BITRISE_TOKEN}
    retry: { attempts: 1 }
  buildkite:
    type: buildkite
    url: \${BUILDKITE_URL}
    org: acme
    pipeline: app
    token: \${BUILDKITE_TOKEN}
    retry: { attempts: 1 }
routes:
  - name: build-on-push
    source: github
    when: event = "push"
    to: [bitrise, hostile, buildkite]
`

describe('the build a CI system started, read from its answer and shown on the delivery', () => {
  let bitrise: CaptureServer
  let hostile: CaptureServer
  let buildkite: CaptureServer
  let hy: TestHookyard
  let api: AdminClient
  let browser: Browser
  /** delivery ids by target, for the one push every test looks at */
  const deliveries = new Map<string, string>()

  beforeAll(async () => {
    ;[bitrise, hostile, buildkite] = await Promise.all([startCaptureServer(), startCaptureServer(), startCaptureServer()])
    bitrise.fallback = { status: 201, body: JSON.stringify(BITRISE_ANSWER), headers: { 'content-type': 'application/json' } }
    // a target that answers with a script link, and echoes the trigger token into its build id
    hostile.fallback = {
      status: 201,
      body: JSON.stringify({ results: [{ build_url: 'javascript:alert(document.cookie)', build_slug: `slug-${BITRISE_TOKEN}`, build_number: 7 }] }),
      headers: { 'content-type': 'application/json' },
    }
    buildkite.fallback = { status: 201, body: JSON.stringify(buildkiteAnswer()), headers: { 'content-type': 'application/json' } }
    hy = await startTestHookyard({
      rules: { 'build.yaml': RULES },
      env: { GITHUB_SECRET, BITRISE_TOKEN, BUILDKITE_TOKEN, BITRISE_URL: bitrise.url, HOSTILE_URL: hostile.url, BUILDKITE_URL: buildkite.url },
    })
    api = adminClient(hy.url, hy.adminToken)
    browser = await launchBrowser()

    const body = JSON.stringify(githubBranchPush())
    const res = await hy.post('github', body, githubHeaders(GITHUB_SECRET, 'push', body))
    expect(res.status).toBe(202)
    const accepted = (await res.json()) as { deliveries: { id: string; target: string }[] }
    for (const d of accepted.deliveries) deliveries.set(d.target, d.id)
    expect([...deliveries.keys()].sort()).toEqual(['bitrise', 'buildkite', 'hostile'])
    for (const id of deliveries.values()) {
      await waitUntil(async () => (await api.get<DeliveryDetail>(`/api/deliveries/${id}`)).json.delivery.status === 'delivered', 15_000, `delivery ${id} delivered`)
    }
  })
  afterAll(async () => {
    await browser?.close()
    await hy?.stop()
    await Promise.all([bitrise, hostile, buildkite].map((s) => s?.close()))
  })

  async function buildOf(target: string): Promise<unknown> {
    const reply = await api.get<DeliveryDetail & { delivery: { build?: unknown } }>(`/api/deliveries/${deliveries.get(target) ?? ''}`)
    expect(reply.status).toBe(200)
    expect(reply.text).not.toContain(BITRISE_TOKEN)
    return reply.json.delivery.build
  }

  it('stores the Bitrise build_url, slug and number on the delivery, and the admin API shows it', async () => {
    expect(bitrise.requests).toHaveLength(1)
    expect(await buildOf('bitrise')).toEqual({ url: 'https://app.bitrise.io/build/8a7b6c5d4e3f2a1b', id: '8a7b6c5d4e3f2a1b', number: '42' })
  })

  it('reads an answer longer than the stored excerpt (a Buildkite build with its jobs)', async () => {
    const detail = (await api.get<DeliveryDetail>(`/api/deliveries/${deliveries.get('buildkite') ?? ''}`)).json
    expect(JSON.stringify(buildkiteAnswer()).length).toBeGreaterThan(2048 * 2)
    expect(detail.attempts[0]?.response_excerpt.length).toBeLessThanOrEqual(2048)
    expect(await buildOf('buildkite')).toEqual({ url: 'https://buildkite.com/acme/app/builds/318', id: 'f62a1b4d-10f9-4790-bc1c-e2c3a0c80983', number: '318' })
  })

  it('drops a script link and masks a secret the target echoes', async () => {
    expect(await buildOf('hostile')).toEqual({ id: 'slug-***', number: '7' })
  })

  it('the dashboard’s delivery view links the build in a new tab without handing it the page', async () => {
    const page = await browser.newPage()
    const errors = collectPageErrors(page)
    await page.goto(`${hy.url}/ui#token=${encodeURIComponent(hy.adminToken)}`)
    await page.getByTestId('stats').waitFor()
    await page.evaluate(`location.hash = ${JSON.stringify(`#/delivery/${deliveries.get('bitrise') ?? ''}`)}`)
    // an <a>: waiting for it fails the test when the build shows as anything else
    const link = page.getByTestId('delivery-detail').locator('a[data-testid="delivery-build"]')
    await link.waitFor({ timeout: 10_000 })
    expect(await link.textContent()).toBe('#42')
    expect(await link.getAttribute('href')).toBe('https://app.bitrise.io/build/8a7b6c5d4e3f2a1b')
    expect(await link.getAttribute('target')).toBe('_blank')
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer')

    // the hostile target's build shows as text: no link at all, so nothing to click into a script
    await page.evaluate(`location.hash = ${JSON.stringify(`#/delivery/${deliveries.get('hostile') ?? ''}`)}`)
    const text = page.locator(`[data-testid="delivery-detail"][data-id="${deliveries.get('hostile') ?? ''}"] span[data-testid="delivery-build"]`)
    await text.waitFor({ timeout: 10_000 })
    expect(await text.textContent()).toBe('#7')
    expect(await page.locator('a[href^="javascript:" i]').count()).toBe(0)
    expect(errors).toEqual([])
    await page.close()
  }, 60_000)
})
