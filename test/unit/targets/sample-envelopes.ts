import type { Envelope, PushView } from '../../../src/envelope.ts'
import { compileExpression } from '../../../src/mapping/compile-expression.ts'
import type { OutboundRequest } from '../../../src/targets/types.ts'

/** A GitHub branch push as the sources layer would normalise it. */
export function branchPush(overrides: Partial<PushView> = {}): Envelope {
  return envelope({
    push: {
      repo: 'octo-org/app',
      repo_url: 'https://github.com/octo-org/app',
      ref: 'refs/heads/main',
      branch: 'main',
      tag: null,
      sha: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
      before: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
      message: 'Fix the build',
      author: 'Monalisa Octocat',
      pusher: 'octocat',
      created: false,
      deleted: false,
      forced: false,
      commits: [],
      ...overrides,
    },
  })
}

/** The same push on a tag: branch is null, as for every source type. */
export function tagPush(): Envelope {
  return branchPush({ ref: 'refs/tags/v1.2.3', branch: null, tag: 'v1.2.3', message: 'Release 1.2.3' })
}

/** ProGet's default package-event body and its package view. */
export function progetPackage(): Envelope {
  const body = { package: 'MyCorp.CoolUtils', version: '3.2.0', event: 'Added', user: 'API', feed: 'internal-utils' }
  return envelope({
    source: 'proget',
    type: 'proget',
    event: 'Added',
    body,
    package: { feed: 'internal-utils', name: 'MyCorp.CoolUtils', version: '3.2.0', event: 'Added', user: 'API' },
  })
}

export function envelope(overrides: Partial<Envelope>): Envelope {
  return {
    source: 'github',
    type: 'github',
    event: 'push',
    delivery: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    received_at: '2026-01-02T03:04:05.000Z',
    headers: { 'content-type': 'application/json', 'x-github-event': 'push' },
    query: {},
    body: { ref: 'refs/heads/main', after: '6113728f27ae82c7b1a177c8d03f9e96e0adf246' },
    push: null,
    pull_request: null,
    package: null,
    ...overrides,
  }
}

/** Runs a preset's default map the way routing does: compiled once, evaluated over the envelope. */
export async function evaluateMap(text: string, input: Envelope): Promise<unknown> {
  return compileExpression(text).evaluate(input)
}

export function jsonBody(request: OutboundRequest): unknown {
  return JSON.parse(request.body)
}

/** zod issue messages (with their paths) for a rejected options object, or [] when accepted. */
export function optionIssues(result: {
  success: boolean
  error?: { issues: { path: PropertyKey[]; message: string }[] }
}): string[] {
  return result.error?.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`) ?? []
}
