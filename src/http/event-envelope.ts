import type { EventRecord } from '../store/records.ts'
import type { PackageView, PullRequestView, PushView } from '../envelope.ts'
import { readEvent, storedInboundRequest } from '../ingest/route-event.ts'
import type { RuleSet } from '../rules/types.ts'
import { sourceTypes } from '../sources/index.ts'
import { maskHeaderNames, redactHeaders, redactQuery } from '../secret-masking.ts'
import { bodyExcerpt } from './body-excerpt.ts'

export interface EnvelopeSummary {
  push: PushView | null
  /** a Bitbucket push with several changes has one push per change; `push` is the first */
  pushes: PushView[]
  pull_request: PullRequestView | null
  package: PackageView | null
  headers: Record<string, string>
  query: Record<string, string>
}

/**
 * Rebuilt from the stored request as the pipeline reads it, so it is exactly what `when` and
 * `map` saw. Null when the source is no longer in the rules (or changed type) or the body no
 * longer parses: the raw request is still shown.
 */
export function envelopeSummary(event: EventRecord, ruleSet: RuleSet): EnvelopeSummary | null {
  const source = ruleSet.sources.get(event.source)
  const sourceType = source && source.type === event.type ? sourceTypes.get(source.type) : undefined
  if (!source || !sourceType) {
    return null
  }
  try {
    const { envelopes } = readEvent({ source, sourceType }, storedInboundRequest(event), new Date(event.received_at))
    const first = envelopes[0]
    return {
      push: first?.push ?? null,
      pushes: envelopes.flatMap((e) => (e.push ? [e.push] : [])),
      pull_request: first?.pull_request ?? null,
      package: first?.package ?? null,
      headers: maskHeaderNames(redactHeaders(event.request.headers)),
      query: redactQuery(event.request.query),
    }
  } catch {
    return null
  }
}

export function storedRequestView(event: EventRecord, secretValues: readonly string[]) {
  return {
    method: event.request.method,
    headers: maskHeaderNames(redactHeaders(event.request.headers)),
    query: redactQuery(event.request.query),
    ...bodyExcerpt(Buffer.from(event.request.body_base64, 'base64'), secretValues),
  }
}
