import { describe, expect, it } from 'vitest'
import { formatNotification } from '../../../src/notify/format-notification.ts'
import type { Notification } from '../../../src/notify/notification.ts'

const failed: Notification = {
  type: 'delivery_failed',
  at: '2026-12-03T08:00:00.000Z',
  target: 'jenkins-app',
  route: 'main-push',
  delivery: 'ev1-1',
  status: 503,
  excerpt: `<html>${'x'.repeat(400)}</html>`,
  message: 'delivery ev1-1 of route main-push to jenkins-app failed for good after 8 attempt(s): HTTP 503',
  link: 'https://hookyard.example.com/ui#/delivery/ev1-1',
}

describe('formatNotification', () => {
  it('http: posts the notification itself as JSON', () => {
    const req = formatNotification('http', 'https://alerts.example/in', failed, 'hookyard/1.0')
    expect(req).toMatchObject({ method: 'POST', url: 'https://alerts.example/in', headers: { 'Content-Type': 'application/json', 'User-Agent': 'hookyard/1.0' } })
    expect(JSON.parse(req.body)).toEqual(failed)
  })

  it('slack: incoming-webhook text plus header and mrkdwn blocks, markup escaped, excerpt clipped, link last', () => {
    const body = JSON.parse(formatNotification('slack', 'https://hooks.slack.example/services/T/B/X', failed, 'ua').body) as {
      text: string
      blocks: { type: string; text: { type: string; text: string } }[]
    }
    expect(body.text).toBe(`Delivery failed: jenkins-app: ${failed.message}`)
    expect(body.blocks.map((b) => b.type)).toEqual(['header', 'section'])
    const details = body.blocks[1]!.text.text
    expect(details).toContain('*Route:* main-push')
    expect(details).toContain('*Status:* 503')
    expect(details).toContain('&lt;html&gt;')
    expect(details).not.toContain('<html>')
    expect(details).toContain('…')
    expect(details.split('\n').at(-1)).toBe('<https://hookyard.example.com/ui#/delivery/ev1-1|Open in hookyard>')
  })

  it('teams: a message with one Adaptive Card (title, message, facts, open action)', () => {
    const body = JSON.parse(formatNotification('teams', 'https://prod.workflows.example/run', failed, 'ua').body) as {
      type: string
      attachments: { contentType: string; content: { type: string; version: string; body: { type: string; text?: string; facts?: unknown[] }[]; actions?: unknown[] } }[]
    }
    expect(body.type).toBe('message')
    expect(body.attachments).toHaveLength(1)
    const card = body.attachments[0]!
    expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive')
    expect(card.content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' })
    expect(card.content.body.map((b) => b.type)).toEqual(['TextBlock', 'TextBlock', 'FactSet'])
    expect(card.content.body[1]!.text).toBe(failed.message)
    expect(card.content.body[2]!.facts).toContainEqual({ title: 'Route', value: 'main-push' })
    expect(card.content.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open in hookyard', url: failed.link }])
  })

  it('rules_invalid and no link: problems listed, no action', () => {
    const n: Notification = { type: 'rules_invalid', at: failed.at, message: 'a rules reload failed', problems: ['rules/a.yaml:3:5 target x: bad', 'rules/a.yaml:9:1 y'] }
    const teams = JSON.parse(formatNotification('teams', 'https://t.example', n, 'ua').body) as { attachments: { content: Record<string, unknown> }[] }
    expect(teams.attachments[0]!.content['actions']).toBeUndefined()
    expect(JSON.stringify(teams)).toContain('rules/a.yaml:3:5 target x: bad')
    const slack = JSON.parse(formatNotification('slack', 'https://s.example', n, 'ua').body) as { text: string }
    expect(slack.text).toBe('Rules invalid: a rules reload failed')
  })

  it('slack: a long section is clipped below Slack\'s 3,000-character limit, keeping the link', () => {
    const n: Notification = { ...failed, type: 'rules_invalid', problems: Array.from({ length: 10 }, (_, i) => `rules/a.yaml:${i}:1 ${'y'.repeat(500)}`) }
    const body = JSON.parse(formatNotification('slack', 'https://s.example', n, 'ua').body) as { blocks: { text: { text: string } }[] }
    const section = body.blocks[1]!.text.text
    expect(section.length).toBeLessThanOrEqual(3000)
    expect(section.endsWith(`<${failed.link}|Open in hookyard>`)).toBe(true)
  })
})
