import type { BuildReference } from '../targets/build-reference.ts'
import type { OutboundRequest, TargetPreset } from '../targets/types.ts'
import type { ExpectedDelivery } from './case-file.ts'
import { formatDifference, subsetDiff } from './diff-values.ts'
import { bodyView } from './render-request.ts'
import type { DryRunDelivery, DryRunResult, DryRunRoute } from './run-dry-run.ts'

interface Actual {
  route: DryRunRoute
  delivery: DryRunDelivery
}

/**
 * The differences between a case's expectations and a dry run, as readable lines; none means
 * the case passes. Deliveries pair up by route and target (in order, so a Bitbucket push with
 * two changes may list the same pair twice); a missing, extra or errored one is a mismatch,
 * and so is any route whose expression failed.
 */
export function matchCase(expected: readonly ExpectedDelivery[], result: DryRunResult, presetOf: PresetOf = () => undefined): string[] {
  const lines: string[] = []
  for (const route of result.routes) {
    if (route.error) lines.push(`! route ${route.route} failed: ${route.error.message}`)
  }
  const actual = new Map<string, Actual[]>()
  for (const route of result.routes) {
    for (const delivery of route.deliveries) {
      const key = pairKey(route.route, delivery.target)
      actual.set(key, [...(actual.get(key) ?? []), { route, delivery }])
    }
  }
  for (const want of expected) {
    const key = pairKey(want.route, want.target)
    const got = actual.get(key)?.shift()
    if (!got) {
      lines.push(`- delivery ${key} (missing${whyMissing(result, want.route)})`)
      continue
    }
    const diff = [...compareDelivery(want, got.delivery), ...compareBuild(want, presetOf)]
    if (diff.length > 0) lines.push(`  delivery ${key}:`, ...diff.map((l) => `    ${l}`))
  }
  for (const [key, rest] of actual) {
    for (const { delivery } of rest) {
      const what = delivery.request ? `${delivery.request.method} ${delivery.request.url}` : `mapping error: ${delivery.error ?? ''}`
      lines.push(`+ delivery ${key} (unexpected: ${what})`)
    }
  }
  return lines
}

function compareDelivery(want: ExpectedDelivery, got: DryRunDelivery): string[] {
  if (!got.request) {
    if (want.error !== undefined && got.error?.includes(want.error)) return []
    return [`- ${want.error === undefined ? 'request' : `error containing ${JSON.stringify(want.error)}`}`, `+ mapping error: ${got.error ?? ''}`]
  }
  if (want.error !== undefined) {
    return [`- error containing ${JSON.stringify(want.error)}`, `+ request ${got.request.method} ${got.request.url}`]
  }
  const expected = want.request ?? {}
  const differences = subsetDiff(comparable(expected), actualView(expected, got.request))
  return differences.flatMap(formatDifference)
}

/** The preset of a target named in the rules (undefined for an unknown name). */
export type PresetOf = (target: string) => TargetPreset | undefined

/**
 * The build reference hookyard would store for a delivery whose target answered with the case's
 * recorded `response`: null when the target's preset reads none, undefined without a response.
 */
export function recordedBuild(want: ExpectedDelivery, presetOf: PresetOf): BuildReference | null | undefined {
  if (!want.response) return undefined
  const preset = presetOf(want.target)
  if (!preset?.readBuildReference) return null
  const { status, headers, body } = want.response
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  return preset.readBuildReference({ status, headers: lowerKeys(headers), body: text }) ?? null
}

/** One line per recorded response: the build it names, as `hookyard test` shows it. */
export function recordedBuildLines(expected: readonly ExpectedDelivery[], presetOf: PresetOf): string[] {
  return expected.flatMap((want) => {
    const build = recordedBuild(want, presetOf)
    if (build === undefined) return []
    const what = build === null ? 'no build reference in the recorded response' : formatBuild(build)
    return [`build  ${pairKey(want.route, want.target)}: ${what}`]
  })
}

/** `https://app.bitrise.io/build/abc (#7)`, or the number or id alone when there is no link. */
export function formatBuild(build: BuildReference): string {
  const label = build.number !== undefined ? `#${build.number}` : build.id !== undefined ? `id ${build.id}` : ''
  if (build.url === undefined) return label
  return label === '' ? build.url : `${build.url} (${label})`
}

function compareBuild(want: ExpectedDelivery, presetOf: PresetOf): string[] {
  if (!want.build) return []
  const build = recordedBuild(want, presetOf) ?? {}
  return subsetDiff(want.build, build, 'build').flatMap(formatDifference)
}

/** Header names are case-insensitive: both sides compare lower-cased. */
function comparable(expected: NonNullable<ExpectedDelivery['request']>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...expected }
  if (expected.headers) out['headers'] = lowerKeys(expected.headers)
  return out
}

/**
 * The rendered request in the shape the case compares against: a string `body` expectation is
 * checked against the exact bytes, anything else against the parsed JSON or the form fields.
 */
function actualView(expected: NonNullable<ExpectedDelivery['request']>, request: OutboundRequest): Record<string, unknown> {
  const view = bodyView(request)
  const parsed = view.kind === 'json' ? view.value : view.kind === 'form' ? view.fields : view.text
  return {
    method: request.method,
    url: request.url,
    headers: lowerKeys(request.headers),
    body: typeof expected.body === 'string' ? request.body : parsed,
  }
}

function lowerKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))
}

function whyMissing(result: DryRunResult, routeName: string): string {
  const route = result.routes.find((r) => r.route === routeName)
  if (result.ping) return `: ${result.event} events run no route`
  if (!route) return `: no route ${routeName} for source ${result.source}`
  if (route.error) return `: route ${routeName} failed`
  return route.matched ? `: route ${routeName} matched but has no such target` : `: route ${routeName} not matched: ${route.reason ?? ''}`
}

function pairKey(route: string, target: string): string {
  return `${route} -> ${target}`
}
