// /ui/assets/lists.js: the header, the 24 h counters, the failed-deliveries panel and the events table.
import { h, replace, pill, timeEl, fmtNum } from './dom.js'
import { icon } from './icons.js'

const DELIVERY_STATUSES = ['delivered', 'failed', 'retrying', 'queued', 'coalesced', 'superseded']

export function renderRules(el, s) {
  const names = (label, list) => label + ': ' + (list.length ? list.join(', ') : 'none')
  replace(el,
    h('span', { class: 'chip mono', title: 'rules version (changes when a rule file changes)', testid: 'rules-version' }, icon('branch'), s.rules_version),
    h('span', { class: 'muted small rule-counts', title: [names('sources', s.sources), names('targets', s.targets), names('routes', s.routes)].join('\n') },
      plural(s.sources.length, 'source'), ' · ', plural(s.targets.length, 'target'), ' · ', plural(s.routes.length, 'route')))
}

export function renderStats(el, s) {
  const d = s.counts.deliveries || {}
  const q = s.queue || {}
  const card = (key, label, value, sub) =>
    h('div', { class: 'stat k-' + key, testid: 'stat-' + key },
      h('div', { class: 'stat-label' }, h('span', { class: 'dot', 'aria-hidden': 'true' }), label),
      h('div', { class: 'stat-value', data: { value } }, fmtNum(value)),
      sub ? h('div', { class: 'stat-sub' }, sub) : null)
  replace(el,
    card('events', 'Events', s.counts.events_24h, 'last 24 h'),
    DELIVERY_STATUSES.map((st) => card(st, st[0].toUpperCase() + st.slice(1), d[st] || 0, null)),
    card('queue', 'In queue', (q.waiting || 0) + (q.active || 0) + (q.delayed || 0),
      fmtNum(q.active || 0) + ' active · ' + fmtNum(q.delayed || 0) + ' delayed'))
}

/** Targets paused by their circuit breaker or by hand, each with a Resume button; nothing when none is. */
export function renderPaused(el, targets, on) {
  replace(el, targets.length === 0 ? null : h('div', { class: 'banner warn paused' },
    icon('alert'),
    h('span', null, h('strong', null, targets.length === 1 ? 'Paused target: ' : 'Paused targets: '), 'nothing is sent to them; their deliveries wait.'),
    h('span', { class: 'spacer' }),
    targets.map((target) => h('span', { class: 'paused-target', testid: 'paused-target', data: { target } },
      h('span', { class: 'mono' }, target),
      h('button', { class: 'btn small', type: 'button', testid: 'resume-target', title: 'resume ' + target + ' now', onclick: (e) => on.resumeTarget(target, e.currentTarget) }, 'Resume')))))
}

function plural(n, word) {
  return n + ' ' + word + (n === 1 ? '' : 's')
}

/** Failed deliveries grouped by target, newest first, each group with its Retry-failed button. */
export function renderFailed(el, items, on) {
  if (items.length === 0) {
    replace(el, h('div', { class: 'empty ok', testid: 'failed-empty' }, icon('check'), h('div', null,
      h('strong', null, 'No failed deliveries.'), ' ', h('span', { class: 'muted' }, 'Everything hookyard sent in the last day got through or is still being tried.'))))
    return
  }
  const groups = new Map()
  for (const d of items) {
    if (!groups.has(d.target)) groups.set(d.target, [])
    groups.get(d.target).push(d)
  }
  replace(el, h('div', { class: 'fgroups' }, [...groups].map(([target, list]) => failedGroup(target, list, on))))
}

const SHOWN_PER_TARGET = 4

function failedGroup(target, list, on) {
  const retryable = list.filter((d) => !(d.replays > 0) && d.attempts_made > 0).length
  const button = h('button', {
    class: 'btn danger small', type: 'button', testid: 'retry-failed', disabled: retryable === 0,
    title: retryable === 0 ? 'every failure here was already replayed (or never sent)' : 'send every failed delivery to ' + target + ' again',
    onclick: (e) => on.retryFailed(target, e.currentTarget),
  }, icon('replay'), 'Retry failed', retryable ? h('span', { class: 'count' }, String(retryable)) : null)
  const more = list.length - SHOWN_PER_TARGET
  return h('div', { class: 'fgroup', testid: 'failed-group', data: { target } },
    h('div', { class: 'fgroup-head' },
      h('span', { class: 'target' }, icon('target'), h('span', { class: 'mono' }, target)),
      h('span', { class: 'pill s-failed' }, h('span', { class: 'dot' }), list.length + ' failed'),
      h('span', { class: 'spacer' }), button),
    h('ul', { class: 'flist' }, list.slice(0, SHOWN_PER_TARGET).map((d) => h('li', null,
      h('button', { class: 'frow', type: 'button', testid: 'failed-row', data: { id: d.id }, onclick: () => on.openDelivery(d.id) },
        timeEl(d.updated_at),
        h('span', { class: 'mono route' }, d.route),
        h('span', { class: 'reason', title: d.error || '' }, d.error || 'failed'),
        d.replays > 0 ? h('span', { class: 'tag', title: 'already replayed' }, icon('replay'), 'replayed') : null,
        icon('chevron', 'go'))))),
    more > 0 ? h('div', { class: 'muted small more-note' }, '+ ' + more + ' more failed for this target') : null)
}

/** The worst delivery state of an event decides its row's edge colour. */
function worst(dl) {
  for (const s of ['failed', 'retrying', 'queued', 'delivered', 'coalesced', 'superseded']) if (dl[s] > 0) return s
  return 'none'
}

function routesCell(routes) {
  const matched = routes.filter((r) => r.status === 'matched')
  const errors = routes.filter((r) => r.status === 'error')
  const title = routes.map((r) => (r.status === 'matched' ? '✓ ' : r.status === 'error' ? '⚠ ' : '– ') + r.route + (r.reason ? ': ' + r.reason : '')).join('\n')
  if (routes.length === 0) return h('span', { class: 'muted small' }, 'no route for this source')
  return h('div', { class: 'routes', title },
    errors.length ? pill('error', errors.length === 1 ? 'error' : errors.length + ' errors') : null,
    matched.length === 0 && errors.length === 0 ? h('span', { class: 'nomatch' }, 'no match') : null,
    matched.slice(0, 2).map((r) => h('span', { class: 'chip route-chip mono' }, r.route)),
    matched.length > 2 ? h('span', { class: 'muted small' }, '+' + (matched.length - 2)) : null,
    h('span', { class: 'muted small ratio' }, matched.length + '/' + routes.length))
}

function deliveriesCell(dl) {
  if (!dl || dl.total === 0) return h('span', { class: 'muted' }, '—')
  return h('div', { class: 'pills' }, DELIVERY_STATUSES.filter((s) => dl[s] > 0).map((s) => pill(s, dl.total === 1 ? s : dl[s] + ' ' + s)))
}

export function renderEvents(tbody, items, selectedId, on) {
  if (items.length === 0) {
    replace(tbody, h('tr', { class: 'empty-row' }, h('td', { colspan: 6 },
      h('div', { class: 'empty' }, icon('inbox'), h('div', null, h('strong', null, 'No events yet.'), ' ',
        h('span', { class: 'muted' }, 'Point a webhook at /hooks/<source> and it shows up here within a couple of seconds.'))))))
    return
  }
  replace(tbody, items.map((e) => {
    const open = () => on.openEvent(e.id)
    return h('tr', {
      class: 'row edge-' + worst(e.deliveries), tabindex: 0, testid: 'event-row', 'aria-selected': e.id === selectedId ? 'true' : 'false',
      data: { id: e.id, event: e.event, source: e.source }, onclick: open,
      onkeydown: (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); open() } },
    },
    h('td', { class: 'c-time' }, timeEl(e.received_at)),
    h('td', null, h('span', { class: 'src' }, e.source), e.type && e.type !== e.source ? h('span', { class: 'type' }, e.type) : null),
    h('td', null, h('span', { class: 'mono evt' }, e.event), e.rerun_of ? h('span', { class: 'tag', title: 're-run of ' + e.rerun_of }, icon('rerun'), 're-run') : null,
      h('div', { class: 'mono muted tiny ellipsis', title: 'sender delivery ' + e.delivery }, e.delivery)),
    h('td', null, routesCell(e.routes || [])),
    h('td', { testid: 'event-deliveries' }, deliveriesCell(e.deliveries)),
    h('td', { class: 'c-go' }, icon('chevron')))
  }))
}
