import type { BuildReference } from '../targets/build-reference.ts'
import type { OutboundRequest } from '../targets/types.ts'
import type { Notification, NotifyKind } from './notification.ts'

/** Longest response excerpt a chat message repeats (the dashboard has the rest). */
const CHAT_EXCERPT_CHARS = 300
/** Slack refuses a section longer than 3,000 characters (the whole text field stays within it). */
const SLACK_SECTION_CHARS = 2_900

const TITLES: Record<Notification['type'], string> = {
  delivery_failed: 'Delivery failed',
  target_paused: 'Target paused',
  target_resumed: 'Target resumed',
  rules_invalid: 'Rules invalid',
}

/**
 * The request one notification sends to one `notify:` entry. Pure. slack: an incoming-webhook
 * message (`text` plus Block Kit blocks); teams: a workflow message with one Adaptive Card;
 * http: the notification as JSON.
 */
export function formatNotification(kind: NotifyKind, url: string, n: Notification, userAgent: string): OutboundRequest {
  const headers = { 'Content-Type': 'application/json', 'User-Agent': userAgent }
  return { method: 'POST', url, headers, body: JSON.stringify(bodyFor(kind, n)) }
}

function bodyFor(kind: NotifyKind, n: Notification): unknown {
  if (kind === 'http') {
    return n
  }
  const facts = factsOf(n)
  const title = `${TITLES[n.type]}${n.target ? `: ${n.target}` : ''}`
  const buildUrl = n.build && httpUrl(n.build.url)
  if (kind === 'slack') {
    const lines = facts.map(([k, v]) => `*${k}:* ${k === 'Build' && buildUrl ? slackLink(buildUrl, buildLabel(n.build)) : escapeSlack(v)}`)
    const link = n.link ? `\n<${n.link}|Open in hookyard>` : ''
    const details = clipTo([escapeSlack(n.message), ...lines].join('\n'), SLACK_SECTION_CHARS - link.length) + link
    return {
      text: `${title}: ${n.message}`,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: title } },
        { type: 'section', text: { type: 'mrkdwn', text: details } },
      ],
    }
  }
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', size: 'Medium', weight: 'Bolder', text: title, wrap: true },
            { type: 'TextBlock', text: n.message, wrap: true },
            { type: 'FactSet', facts: facts.map(([title, value]) => ({ title, value })) },
          ],
          ...actionsOf(n.link, buildUrl),
        },
      },
    ],
  }
}

function factsOf(n: Notification): [string, string][] {
  const facts: [string, string | undefined][] = [
    ['Route', n.route],
    ['Delivery', n.delivery],
    ['Status', n.status === undefined ? undefined : n.status === null ? 'no response' : String(n.status)],
    ['Paused until', n.until],
    ['Response', n.excerpt ? clip(n.excerpt) : undefined],
    ['Problems', n.problems?.join('\n')],
    ['Build', n.build && [buildLabel(n.build), httpUrl(n.build.url)].filter(Boolean).join(' ')],
    ['At', n.at],
  ]
  return facts.filter((f): f is [string, string] => f[1] !== undefined && f[1] !== '')
}

function actionsOf(link: string | undefined, buildUrl: string | undefined): { actions?: { type: string; title: string; url: string }[] } {
  const actions = [
    ...(link ? [{ type: 'Action.OpenUrl', title: 'Open in hookyard', url: link }] : []),
    ...(buildUrl ? [{ type: 'Action.OpenUrl', title: 'Open build', url: buildUrl }] : []),
  ]
  return actions.length > 0 ? { actions } : {}
}

/** `#42` when the CI system numbers its builds, else its id (or the link itself). */
function buildLabel(build: BuildReference | undefined): string {
  return build?.number ? `#${build.number}` : (build?.id ?? build?.url ?? '')
}

/** Chat clients open whatever a link says: only an http(s) URL becomes one. */
function httpUrl(url: string | undefined): string | undefined {
  return url !== undefined && /^https?:\/\//i.test(url) ? url : undefined
}

/** A Slack `<url|label>` link: `|`, `<` and `>` in the URL would end it early, so they are percent-encoded. */
function slackLink(url: string, label: string): string {
  const safeUrl = url.replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E')
  return `<${safeUrl}|${escapeSlack(label).replace(/\|/g, '¦')}>`
}

function clip(text: string): string {
  return clipTo(text, CHAT_EXCERPT_CHARS)
}

function clipTo(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text
}

/** Slack reads &, < and > as markup in mrkdwn text. */
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
