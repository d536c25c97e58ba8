import type { PackageView, PullRequestView, PushView } from '../envelope.ts'
import { formatBody } from './render-request.ts'
import type { DryRunFlow, DryRunResult, DryRunRoute } from './run-dry-run.ts'

export interface RulesInfo {
  dir: string
  version: string
}

/** The `hookyard test --payload` report for a terminal. */
export function formatDryRun(result: DryRunResult, rules: RulesInfo): string {
  const lines = [
    'dry run: no Redis, nothing is sent; signature not verified (dry run)',
    `source    ${result.source} (type ${result.type})`,
    `event     ${result.event}`,
    `delivery  ${result.delivery}`,
    `rules     ${rules.dir} (version ${rules.version})`,
    ...result.pushes.map(formatPush),
    ...(result.pull_request ? [formatPullRequest(result.pull_request)] : []),
    ...(result.package ? [formatPackage(result.package)] : []),
    ...(result.schedule
      ? [`schedule  "${result.schedule.cron}" in ${result.schedule.timezone}, tick ${result.schedule.fire_time}`]
      : result.pushes.length === 0 && !result.package && !result.pull_request
        ? ['push      none (not a ref push)']
        : []),
    ...result.hints.map((h) => `hint: ${h}`),
    '',
  ]
  if (result.ping) {
    lines.push(`${result.event} event: nothing to trigger (ingress answers 200 without running routes)`)
    return `${lines.join('\n')}\n`
  }
  if (result.routes.length === 0) lines.push(`no route uses source ${result.source}`)
  for (const route of result.routes) lines.push(...formatRoute(route))
  const matched = result.routes.filter((r) => r.matched).length
  const deliveries = result.routes.reduce((n, r) => n + r.deliveries.length, 0)
  lines.push('', `${matched} of ${result.routes.length} routes matched, ${deliveries} deliver${deliveries === 1 ? 'y' : 'ies'} (nothing sent)`)
  return `${lines.join('\n')}\n`
}

/** `--json`: `{ routes: [{ route, matched, deliveries: [{ target, request }] }] }`, plus the event summary at the top level. */
export function dryRunJson(result: DryRunResult, rules: RulesInfo): Record<string, unknown> {
  return {
    dry_run: true,
    signature_verified: false,
    source: result.source,
    type: result.type,
    event: result.event,
    delivery: result.delivery,
    rules,
    push: result.pushes[0] ?? null,
    ...(result.pushes.length > 1 ? { pushes: result.pushes } : {}),
    pull_request: result.pull_request,
    package: result.package,
    ...(result.schedule ? { schedule: result.schedule } : {}),
    hints: result.hints,
    ...(result.ping ? { ping: true, reason: `${result.event} event: nothing to trigger` } : {}),
    routes: result.routes,
  }
}

function formatRoute(route: DryRunRoute): string[] {
  if (route.error) {
    const { code, position, message } = route.error
    // ExpressionError messages start with JSONata's code already
    const text = message.startsWith(`${code}: `) ? message.slice(code.length + 2) : message
    return [`[error] ${route.route}  error: ${code}${position === undefined ? '' : ` at ${position}`}: ${text}`]
  }
  if (!route.matched) return [`[skip]  ${route.route}  not matched: ${route.reason ?? 'no reason given'}`]
  const lines = [`[match] ${route.route}  matched`]
  for (const delivery of route.deliveries) {
    lines.push(`        -> ${delivery.target}`)
    if (delivery.flow) lines.push(`           flow: ${formatFlow(delivery.flow)}`)
    if (!delivery.request) {
      lines.push(`           mapping error: ${delivery.error ?? 'unknown'}`)
      continue
    }
    const { method, url, headers } = delivery.request
    lines.push(`           ${method} ${url}`, ...Object.entries(headers).map(([k, v]) => `           ${k}: ${v}`), '')
    lines.push(...formatBody(delivery.request).split('\n').map((l) => `           ${l}`))
  }
  return lines
}

/** e.g. `cooldown 2m, key "gitlab/main", concurrency 1, supersede, circuit 5 failures then pause 5m` */
function formatFlow(flow: DryRunFlow): string {
  const parts = [
    flow.cooldown_ms > 0 ? `cooldown ${formatMs(flow.cooldown_ms)}` : null,
    flow.key !== null ? `key ${JSON.stringify(flow.key)}` : null,
    flow.concurrency !== null ? `concurrency ${flow.concurrency}` : null,
    flow.supersede ? 'supersede' : null,
    flow.circuit ? `circuit ${flow.circuit.failures} failures then pause ${formatMs(flow.circuit.pause_ms)}` : null,
  ]
  return parts.filter((p) => p !== null).join(', ')
}

function formatMs(ms: number): string {
  if (ms % 3600_000 === 0) return `${ms / 3600_000}h`
  if (ms % 60_000 === 0) return `${ms / 60_000}m`
  if (ms % 1000 === 0) return `${ms / 1000}s`
  return `${ms}ms`
}

function formatPush(push: PushView): string {
  const parts = [
    push.branch !== null ? `branch ${push.branch}` : null,
    push.tag !== null ? `tag ${push.tag}` : null,
    push.sha !== null ? `sha ${push.sha}` : null,
    push.repo !== null ? `repo ${push.repo}` : null,
    push.deleted ? 'deleted' : null,
    push.created ? 'created' : null,
    push.forced ? 'forced' : null,
  ]
  const message = push.message?.split('\n')[0]
  return `push      ${parts.filter((p) => p !== null).join(', ')}${message ? ` - ${JSON.stringify(message)}` : ''}`
}

function formatPullRequest(pr: PullRequestView): string {
  const head = `#${pr.number ?? '?'} ${pr.action} (${pr.action_raw ?? 'no action'})`
  const branches = `${pr.source.branch ?? '?'} -> ${pr.target.branch ?? '?'}`
  const parts = [head, branches, pr.source.sha !== null ? `sha ${pr.source.sha}` : null, pr.from_fork ? 'from a fork' : null]
  const title = pr.title ? ` - ${JSON.stringify(pr.title)}` : ''
  return `pull req  ${parts.filter((p) => p !== null).join(', ')}${title}`
}

function formatPackage(pkg: PackageView): string {
  const fields = { name: pkg.name, version: pkg.version, event: pkg.event, feed: pkg.feed, user: pkg.user }
  const parts = Object.entries(fields).flatMap(([k, v]) => (v === null ? [] : [`${k} ${v}`]))
  return `package   ${parts.join(', ')}`
}
