/**
 * Real sender payloads for tests. GitHub bodies come from `@octokit/webhooks-examples`; the
 * other senders' bodies are JSON files under test/fixtures/<sender>/ written after the documented
 * payloads. `fixtureText` returns the file byte-exact so tests sign what they send.
 */
import { readFileSync } from 'node:fs'
import examples from '@octokit/webhooks-examples/api.github.com/index.json' with { type: 'json' }

export type Payload = Record<string, unknown>

interface WebhookDefinition {
  name: string
  examples: Payload[]
}

const definitions = examples as unknown as WebhookDefinition[]

/** Every octokit example body of a GitHub event (`push`, `ping`, `pull_request`, ...). */
export function githubExamples(event: string): Payload[] {
  const definition = definitions.find((d) => d.name === event)
  if (definition === undefined) throw new Error(`no octokit examples for GitHub event "${event}"`)
  return definition.examples
}

/** The first octokit example of `event` that satisfies `predicate` (a deep copy: mutate freely). */
export function githubPayload(event: string, predicate: (p: Payload) => boolean = () => true): Payload {
  const found = githubExamples(event).find(predicate)
  if (found === undefined) throw new Error(`no octokit "${event}" example matches the predicate`)
  return structuredClone(found)
}

/** A normal branch push with commits (several octokit push examples are tag deletions). */
export function githubBranchPush(): Payload {
  return githubPayload('push', (p) => {
    const ref = p['ref']
    const commits = p['commits']
    return typeof ref === 'string' && ref.startsWith('refs/heads/') && Array.isArray(commits) && commits.length > 0
  })
}

/** The octokit `pull_request` opened example: Codertocat/Hello-World#2, `changes` into `master`. */
export function githubPullRequestOpened(): Payload {
  return githubPayload('pull_request', (p) => p['action'] === 'opened')
}

export function githubPing(): Payload {
  return githubPayload('ping')
}

export const fixtureNames = [
  'gitlab/push-hook',
  'gitlab/tag-push-hook',
  'gitlab/merge-request-hook',
  'bitbucket/repo-push',
  'bitbucket/pullrequest-created',
  'bitbucket-server/repo-refs-changed',
  'bitbucket-server/pr-opened',
  'gitea/push',
  'gitea/pull-request-opened',
  'proget/package-promoted',
  'npm/package-publish',
  'nexus/component-created',
  'docker-hub/push',
  'harbor/push-artifact',
] as const

export type FixtureName = (typeof fixtureNames)[number]

/** The fixture file's exact text (sign this, send this). */
export function fixtureText(name: FixtureName): string {
  return readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')
}

export function fixtureJson(name: FixtureName): Payload {
  return JSON.parse(fixtureText(name)) as Payload
}
