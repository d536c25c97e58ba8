import { describe, expect, it } from 'vitest'
import { formatNotification } from '../../../src/notify/format-notification.ts'
import type { Notification } from '../../../src/notify/notification.ts'

/** A notification about a delivery whose CI system named the build it started. */
const withBuild: Notification = {
  type: 'delivery_failed',
  at: '2026-12-03T08:00:00.000Z',
  target: 'bitrise-app',
  route: 'main-push',
  delivery: 'ev1-1',
  status: 500,
  message: 'delivery ev1-1 of route main-push to bitrise-app failed for good after 3 attempt(s): HTTP 500',
  link: 'https://hookyard.example.com/ui#/delivery/ev1-1',
  build: { url: 'https://app.bitrise.io/build/8a7b6c5d4e3f2a1b', id: '8a7b6c5d4e3f2a1b', number: '42' },
}

interface SlackBody {
  blocks: { type: string; text: { text: string } }[]
}
interface TeamsBody {
  attachments: { content: { body: { facts?: { title: string; value: string }[] }[]; actions?: { title: string; url: string }[] } }[]
}

describe('a notification about a delivery with a build', () => {
  it('http: carries the build as it is', () => {
    expect((JSON.parse(formatNotification('http', 'https://alerts.example/in', withBuild, 'ua').body) as Notification).build).toEqual(withBuild.build)
  })

  it('slack: a Build line linking the build by its number', () => {
    const body = JSON.parse(formatNotification('slack', 'https://hooks.slack.example/x', withBuild, 'ua').body) as SlackBody
    expect(body.blocks[1]!.text.text).toContain('*Build:* <https://app.bitrise.io/build/8a7b6c5d4e3f2a1b|#42>')
  })

  it('teams: a Build fact and an Open build action after Open in hookyard', () => {
    const card = (JSON.parse(formatNotification('teams', 'https://t.example', withBuild, 'ua').body) as TeamsBody).attachments[0]!.content
    expect(card.body[2]!.facts).toContainEqual({ title: 'Build', value: '#42 https://app.bitrise.io/build/8a7b6c5d4e3f2a1b' })
    expect(card.actions?.map((a) => [a.title, a.url])).toEqual([
      ['Open in hookyard', withBuild.link],
      ['Open build', 'https://app.bitrise.io/build/8a7b6c5d4e3f2a1b'],
    ])
  })

  it('a build without a number or link shows its id as text, and nothing becomes a link but http(s)', () => {
    const n: Notification = { type: 'delivery_failed', at: withBuild.at, target: 'travis-app', message: 'no link to hookyard', build: { id: '205729', url: 'javascript:alert(1)' } }
    const slack = (JSON.parse(formatNotification('slack', 'https://hooks.slack.example/x', n, 'ua').body) as SlackBody).blocks[1]!.text.text
    expect(slack).toContain('*Build:* 205729')
    expect(slack).not.toContain('javascript:')
    const card = (JSON.parse(formatNotification('teams', 'https://t.example', n, 'ua').body) as TeamsBody).attachments[0]!.content
    expect(card.body[2]!.facts).toContainEqual({ title: 'Build', value: '205729' })
    expect(card.actions).toBeUndefined()
  })

  it('slack: characters that would end the link early are encoded', () => {
    const n: Notification = { ...withBuild, build: { url: 'https://ci.example/build?a=1|2&b=<x>', number: '7|8' } }
    const slack = (JSON.parse(formatNotification('slack', 'https://hooks.slack.example/x', n, 'ua').body) as SlackBody).blocks[1]!.text.text
    expect(slack).toContain('*Build:* <https://ci.example/build?a=1%7C2&b=%3Cx%3E|#7¦8>')
  })
})
