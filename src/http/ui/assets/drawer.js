// /ui/assets/drawer.js: the side panel for one event (explain trace, deliveries, request) or one delivery (request, attempts).
import { h, pill, codeChip, timeEl, absTime, fmtMs, shortSha, kvTable, codeBlock, details } from './dom.js'
import { icon } from './icons.js'

function head(crumbs, on) {
  return h('div', { class: 'drawer-head' },
    h('div', { class: 'crumbs' }, crumbs),
    h('span', { class: 'spacer' }),
    h('button', { class: 'btn ghost icon-only', type: 'button', testid: 'drawer-close', title: 'Close (Esc)', 'aria-label': 'Close', onclick: () => on.close() }, icon('close')))
}

function meta(rows) {
  return h('dl', { class: 'meta' }, rows.filter(Boolean).map(([k, v]) => [h('dt', null, k), h('dd', null, v)]))
}

function section(title, testid, ...body) {
  return h('section', { class: 'dsec', testid }, h('h3', null, title), body)
}

function link(label, hash, on, testid) {
  return h('a', { href: hash, class: 'mono link', testid, onclick: (e) => { e.preventDefault(); on.go(hash) } }, label)
}

/**
 * The event's state at a glance: per delivery chain (a delivery and its replays) the newest
 * delivery's status counts, so a failure fixed by a replay no longer shows as failed.
 */
function overall(deliveries) {
  const byId = new Map(deliveries.map((d) => [d.id, d]))
  const newest = new Map()
  const root = (d) => {
    let r = d
    const seen = new Set()
    while (r.replay_of && byId.has(r.replay_of) && !seen.has(r.id)) { seen.add(r.id); r = byId.get(r.replay_of) }
    return r.id
  }
  for (const d of deliveries) {
    const key = root(d)
    const cur = newest.get(key)
    if (!cur || d.created_at >= cur.created_at) newest.set(key, d)
  }
  const statuses = new Set([...newest.values()].map((d) => d.status))
  for (const s of ['failed', 'retrying', 'queued', 'delivered', 'coalesced', 'superseded']) if (statuses.has(s)) return pill(s, undefined, 'event-status')
  return null
}

/** What the sender's payload is about, as `when` and `map` see it: the push, pull request or package. */
function payloadSummary(env) {
  if (!env) return null
  const p = env.push
  const k = env.package
  if (env.pull_request) return pullRequestSummary(env.pull_request)
  if (p) {
    const where = p.tag ? ['Tag', p.tag] : p.branch ? ['Branch', p.branch] : p.ref ? ['Ref', p.ref] : null
    const flags = [p.created && 'created', p.deleted && 'deleted', p.forced && 'forced'].filter(Boolean).join(', ')
    return section('Push', 'push-summary', meta([
      p.repo && ['Repository', h('span', { class: 'mono' }, p.repo)],
      where && [where[0], h('span', { class: 'chip mono' }, icon('branch'), where[1])],
      p.sha && ['Commit', h('span', { class: 'mono', title: p.sha }, shortSha(p.sha))],
      p.message && ['Message', h('span', { class: 'msg' }, p.message.split('\n')[0])],
      (p.author || p.pusher) && ['Author', p.author || p.pusher],
      p.commits && p.commits.length > 1 && ['Commits', String(p.commits.length)],
      flags && ['Flags', flags],
      env.pushes && env.pushes.length > 1 && ['Changes', env.pushes.length + ' (one routing pass each)'],
    ]))
  }
  if (k) {
    return section('Package', 'package-summary', meta([
      k.feed && ['Feed', k.feed], k.name && ['Package', h('span', { class: 'mono' }, k.name)],
      k.version && ['Version', h('span', { class: 'mono' }, k.version)], k.event && ['Event', k.event], k.user && ['User', k.user],
    ]))
  }
  return null
}

function pullRequestSummary(pr) {
  const action = pr.action_raw && pr.action_raw !== pr.action ? pr.action + ' (' + pr.action_raw + ')' : pr.action
  const from = [pr.from_fork && pr.source.repo ? pr.source.repo + ':' : '', pr.source.branch || '?'].join('')
  const flags = [pr.draft && 'draft', pr.merged && 'merged', pr.from_fork && 'from a fork'].filter(Boolean).join(', ')
  return section('Pull request', 'pr-summary', meta([
    // the URL comes from the sender's payload: only a web address becomes a link
    ['Number', /^https?:\/\//i.test(pr.url || '') ? h('a', { href: pr.url, class: 'mono link', target: '_blank', rel: 'noopener noreferrer', testid: 'pr-number' }, '#' + pr.number)
      : h('span', { class: 'mono', testid: 'pr-number' }, '#' + pr.number)],
    pr.title && ['Title', h('span', { class: 'msg' }, pr.title)],
    ['Action', h('span', { testid: 'pr-action' }, action)],
    ['Branches', h('span', { testid: 'pr-branches' }, h('span', { class: 'chip mono' }, icon('branch'), from), ' → ',
      h('span', { class: 'chip mono' }, icon('branch'), pr.target.branch || '?'))],
    pr.target.repo && ['Repository', h('span', { class: 'mono' }, pr.target.repo)],
    pr.source.sha && ['Commit', h('span', { class: 'mono', title: pr.source.sha }, shortSha(pr.source.sha))],
    pr.author && ['Author', pr.author],
    flags && ['Flags', h('span', { testid: 'pr-flags' }, flags)],
  ]))
}

function traceItem(r) {
  const mark = r.status === 'matched' ? icon('check', 'ok') : r.status === 'error' ? icon('alert', 'bad') : h('span', { class: 'dash' }, '–')
  const e = r.error
  return h('li', { class: 'trace-item t-' + r.status, testid: 'trace-route', data: { route: r.route, status: r.status } },
    h('div', { class: 'trace-mark' }, mark),
    h('div', { class: 'trace-body' },
      h('div', { class: 'trace-line' }, h('span', { class: 'mono route-name' }, r.route), pill(r.status)),
      r.reason && !e ? h('div', { class: 'trace-reason mono' }, r.reason) : null,
      e ? h('div', { class: 'trace-error', testid: 'trace-error' },
        h('span', { class: 'code c-bad' }, e.code),
        typeof e.position === 'number' ? h('span', { class: 'muted small' }, 'at position ' + e.position) : null,
        h('div', { class: 'mono' }, e.message)) : null))
}

function deliveryRow(d, on) {
  const replay = h('button', {
    class: 'btn small', type: 'button', testid: 'row-replay', disabled: !d.request,
    title: d.request ? 'send this delivery again, byte for byte' : 'nothing to send: the mapping failed',
    onclick: (e) => { e.stopPropagation(); on.replay(d.id, e.currentTarget) },
  }, icon('replay'), 'Replay')
  return h('tr', {
    class: 'row', tabindex: 0, testid: 'delivery-row', data: { id: d.id, status: d.status },
    onclick: () => on.go('#/delivery/' + encodeURIComponent(d.id)),
    onkeydown: (ev) => { if (ev.key === 'Enter' && ev.target === ev.currentTarget) on.go('#/delivery/' + encodeURIComponent(d.id)) },
  },
  h('td', null, h('div', { class: 'mono target' }, d.target), h('div', { class: 'muted tiny mono' }, 'via ' + d.route)),
  h('td', null, pill(d.status, undefined, 'delivery-row-status'), d.replay_of ? h('span', { class: 'tag' }, icon('replay'), 'replay') : null),
  h('td', { class: 'muted small' }, d.attempts_made + ' / ' + d.max_attempts),
  h('td', null, timeEl(d.updated_at)),
  h('td', { class: 'c-act' }, replay))
}

function requestSection(req, title, testid, keyPrefix) {
  if (!req) return section(title, testid, h('p', { class: 'muted' }, 'No request was built (see the error above).'))
  return section(title, testid,
    req.url ? h('div', { class: 'reqline mono' }, h('span', { class: 'method' }, req.method), h('span', { class: 'url' }, req.url)) : null,
    details(keyPrefix + ':headers', ['Headers ', h('span', { class: 'muted small' }, String(Object.keys(req.headers || {}).length))], kvTable(req.headers, testid + '-headers'), false),
    req.query && Object.keys(req.query).length ? details(keyPrefix + ':query', 'Query', kvTable(req.query), false) : null,
    details(keyPrefix + ':body', ['Body', req.body_truncated || req.truncated ? h('span', { class: 'tag warn' }, 'truncated') : null], codeBlock(req.body, testid + '-body'), true))
}

export function renderEvent(el, data, on) {
  const e = data.event
  const deliveries = data.deliveries || []
  el.replaceChildren(
    head([h('span', null, 'Event')], on),
    h('div', { class: 'drawer-body', testid: 'event-detail', data: { id: e.id } },
      h('div', { class: 'title-row' }, h('h2', null, e.event), h('span', { class: 'chip' }, e.source), overall(deliveries)),
      h('div', { class: 'mono muted small id-line' }, e.id),
      meta([
        ['Received', [timeEl(e.received_at), h('span', { class: 'muted small' }, ' · ' + absTime(e.received_at))]],
        ['Source', [e.source, e.type && e.type !== e.source ? h('span', { class: 'muted' }, ' (' + e.type + ')') : null]],
        ['Sender id', h('span', { class: 'mono' }, e.delivery)],
        ['Rules', h('span', { class: 'mono' }, e.rules_version)],
        e.rerun_of && ['Re-run of', link(e.rerun_of, '#/event/' + encodeURIComponent(e.rerun_of), on)],
      ]),
      h('div', { class: 'actions' },
        h('button', { class: 'btn', type: 'button', testid: 'rerun-button', title: 'route this event again with the current rules (a new event)', onclick: (ev) => on.rerun(e.id, ev.currentTarget) }, icon('rerun'), 'Re-run with current rules')),
      payloadSummary(e.envelope),
      section('Explain', 'explain',
        (e.routes || []).length === 0 ? h('p', { class: 'muted' }, 'No route takes events from ' + e.source + '.')
          : h('ol', { class: 'trace' }, e.routes.map(traceItem))),
      section('Deliveries', 'deliveries',
        deliveries.length === 0 ? h('p', { class: 'muted' }, 'Nothing was sent for this event.')
          : h('div', { class: 'table-wrap' }, h('table', { class: 'dtable' },
            h('thead', null, h('tr', null, h('th', null, 'Target'), h('th', null, 'Status'), h('th', null, 'Attempts'), h('th', null, 'Updated'), h('th', null, ''))),
            h('tbody', null, deliveries.map((d) => deliveryRow(d, on)))))),
      requestSection(e.request, 'Inbound request', 'inbound', 'ev:' + e.id)))
}

function attemptItem(a, d) {
  const key = 'at:' + d.id + ':' + a.attempt
  return h('li', { class: 'attempt o-' + a.outcome, testid: 'attempt', data: { attempt: a.attempt, outcome: a.outcome } },
    h('div', { class: 'attempt-line' },
      h('span', { class: 'attempt-no' }, '#' + a.attempt),
      codeChip(a.status, 'attempt-status'),
      pill(a.outcome),
      h('span', { class: 'muted small' }, fmtMs(a.duration_ms)),
      h('span', { class: 'spacer' }),
      timeEl(a.at)),
    a.reason ? h('div', { class: 'attempt-reason' }, a.reason) : null,
    details(key + ':h', ['Response headers ', h('span', { class: 'muted small' }, String(Object.keys(a.response_headers || {}).length))], kvTable(a.response_headers), false),
    details(key + ':b', 'Response body', codeBlock(a.response_excerpt, 'attempt-excerpt'), a.outcome !== 'delivered'))
}

/** The build the CI system said it started: a link when it gave an http(s) URL, else its number or id as text. */
function buildRef(b) {
  const label = b.number ? '#' + b.number : b.id || b.url
  if (/^https?:\/\//i.test(b.url || '')) {
    return h('a', { href: b.url, class: 'mono link', target: '_blank', rel: 'noopener noreferrer', title: b.url, testid: 'delivery-build' }, label)
  }
  return h('span', { class: 'mono', testid: 'delivery-build' }, label)
}

export function renderDelivery(el, data, on) {
  const d = data.delivery
  const attempts = data.attempts || []
  const evHash = '#/event/' + encodeURIComponent(d.event)
  el.replaceChildren(
    head([h('a', { href: evHash, class: 'link crumb', testid: 'drawer-back', title: 'Back to the event (Esc)', onclick: (e) => { e.preventDefault(); on.go(evHash) } }, icon('back'), 'Event'),
      h('span', { class: 'sep' }, '/'), h('span', null, 'Delivery')], on),
    h('div', { class: 'drawer-body', testid: 'delivery-detail', data: { id: d.id, status: d.status } },
      h('div', { class: 'title-row' }, h('h2', { class: 'mono' }, d.target), pill(d.status, undefined, 'delivery-status')),
      h('div', { class: 'mono muted small id-line', testid: 'delivery-id' }, d.id),
      d.error ? h('div', { class: 'banner bad' }, icon('alert'), h('span', null, d.error)) : null,
      meta([
        ['Route', h('span', { class: 'mono' }, d.route)],
        ['Event', link(d.event, evHash, on)],
        d.source && ['Source', d.source],
        ['Attempts', d.attempts_made + ' of ' + d.max_attempts],
        d.build && ['Build', buildRef(d.build)],
        ['Created', [timeEl(d.created_at), h('span', { class: 'muted small' }, ' · ' + absTime(d.created_at))]],
        ['Updated', timeEl(d.updated_at)],
        d.replay_of && ['Replay of', link(d.replay_of, '#/delivery/' + encodeURIComponent(d.replay_of), on, 'replay-of')],
        d.replays > 0 && ['Replayed', d.replays + (d.replays === 1 ? ' time' : ' times')],
        d.cooldown_key && ['Cooldown key', h('span', { class: 'mono' }, d.cooldown_key)],
        d.coalesced_into && ['Coalesced into', link(d.coalesced_into, '#/delivery/' + encodeURIComponent(d.coalesced_into), on)],
        d.superseded_by && ['Superseded by', link(d.superseded_by, '#/delivery/' + encodeURIComponent(d.superseded_by), on)],
        ['Rules', h('span', { class: 'mono' }, d.rules_version)],
      ]),
      h('div', { class: 'actions' },
        h('button', {
          class: 'btn primary', type: 'button', testid: 'replay-button', disabled: !d.request,
          title: d.request ? 'send this exact request again (a new delivery)' : 'nothing to send: the mapping failed; re-run the event instead',
          onclick: (e) => on.replay(d.id, e.currentTarget),
        }, icon('replay'), 'Replay')),
      section('Attempts', 'attempts', attempts.length === 0
        ? h('p', { class: 'muted' }, d.status === 'coalesced' ? 'Not sent: a newer event for the same cooldown key replaced it.' : d.status === 'superseded' ? 'Not sent: a newer delivery for the same key superseded it.' : 'Not sent yet.')
        : h('ol', { class: 'attempts' }, attempts.map((a) => attemptItem(a, d)))),
      requestSection(d.request, 'Request', 'request', 'dl:' + d.id)))
}
