import type { GitHubRedeliverOptions } from '../sources/github.ts'
import type { HookDelivery } from './plan-redeliveries.ts'

/** GitHub returns at most 100 per page; this bounds one run to the 2,000 newest deliveries. */
const PER_PAGE = 100
const MAX_PAGES = 20

/** A GitHub API call that did not answer as documented: the status and GitHub's own message. */
export class GitHubApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message)
    this.name = 'GitHubApiError'
  }
}

function headers(options: GitHubRedeliverOptions, userAgent: string): Record<string, string> {
  return {
    Accept: 'application/vnd.github+json',
    Authorization: `Bearer ${options.token}`,
    'X-GitHub-Api-Version': '2022-11-28',
    'User-Agent': userAgent,
  }
}

function hookUrl(options: GitHubRedeliverOptions, path: string): string {
  return `${options.url.replace(/\/+$/, '')}/${options.hook}/${path}`
}

/**
 * The hook's deliveries, newest first, until one older than `sinceMs` (GitHub pages through them
 * with a cursor in the Link header).
 */
export async function listHookDeliveries(options: GitHubRedeliverOptions, sinceMs: number, userAgent: string): Promise<HookDelivery[]> {
  const all: HookDelivery[] = []
  let next: string | null = hookUrl(options, `deliveries?per_page=${PER_PAGE}`)
  for (let page = 0; next !== null && page < MAX_PAGES; page++) {
    const res: Response = await fetch(next, { headers: headers(options, userAgent), redirect: 'error' })
    if (res.status !== 200) throw await apiError(res, `listing the deliveries of ${options.hook}`)
    const items = (await res.json()) as HookDelivery[]
    all.push(...items)
    const oldest = items.at(-1)
    next = oldest && Date.parse(oldest.delivered_at) >= sinceMs ? nextLink(res.headers.get('link'), options.url) : null
  }
  return all
}

/** Asks GitHub to send one delivery again (it answers 202 and sends it with a new attempt). */
export async function requestRedelivery(options: GitHubRedeliverOptions, deliveryId: number, userAgent: string): Promise<void> {
  const res = await fetch(hookUrl(options, `deliveries/${deliveryId}/attempts`), { method: 'POST', headers: headers(options, userAgent), redirect: 'error' })
  if (res.status !== 202) throw await apiError(res, `redelivering ${deliveryId} of ${options.hook}`)
}

/** The next page's URL, only on the configured API's origin: the token goes nowhere else. */
function nextLink(link: string | null, apiUrl: string): string | null {
  const next = link?.split(',').find((part) => /rel="next"/.test(part))?.match(/<([^>]+)>/)?.[1]
  if (next === undefined) return null
  try {
    return new URL(next).origin === new URL(apiUrl).origin ? next : null
  } catch {
    return null
  }
}

async function apiError(res: Response, doing: string): Promise<GitHubApiError> {
  const text = await res.text().catch(() => '')
  let message = text.slice(0, 200)
  try {
    message = (JSON.parse(text) as { message?: string }).message ?? message
  } catch {
    // not JSON: the start of the text says enough
  }
  const hint = res.status === 401 || res.status === 403 || res.status === 404 ? ' (does the token have admin rights on the hook, and is the hook path right?)' : ''
  return new GitHubApiError(res.status, `GitHub answered ${res.status} ${doing}: ${message}${hint}`)
}
