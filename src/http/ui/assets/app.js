// /ui/assets/app.js: state, live refresh, hash navigation (#/event/<id>, #/delivery/<id>), actions, keyboard.
import { api, ApiError, takeTokenFromUrl, token, query, enc } from './api.js'
import { h, replace, tickTimes } from './dom.js'
import { icon } from './icons.js'
import { renderRules, renderStats, renderPaused, renderFailed, renderEvents } from './lists.js'
import { renderEvent, renderDelivery } from './drawer.js'
import { renderSchedules } from './schedules.js'

const POLL_MS = 2500
const PAGE = 50
const MAX_PAGE = 200
const DAY_MS = 24 * 3600 * 1000
const STATUS_FILTERS = [['', 'All'], ['matched', 'Matched'], ['unmatched', 'Unmatched'], ['error', 'Error']]

const $ = (id) => document.getElementById(id)
const state = {
  live: true,
  limit: PAGE,
  source: '',
  status: '',
  view: null, // { kind: 'event' | 'delivery', id }
  last: {}, // JSON text last rendered per part: identical data is not re-rendered
  lastOk: 0,
  error: null,
  timer: null,
  inFlight: null,
  openerId: null,
  detailEvent: null, // the event of the delivery on show: Esc goes back to it
}

// ---------- theme ----------
const THEME_KEY = 'hookyard.theme'
function applyTheme(theme) {
  if (theme) document.documentElement.dataset.theme = theme
  else delete document.documentElement.dataset.theme
  replace($('theme-toggle'), icon(isDark() ? 'sun' : 'moon'))
}
function isDark() {
  const t = document.documentElement.dataset.theme
  return t ? t === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches
}
function toggleTheme() {
  const next = isDark() ? 'light' : 'dark'
  localStorage.setItem(THEME_KEY, next)
  applyTheme(next)
}

// ---------- toasts ----------
function toast(message, kind = 'info') {
  const el = h('div', { class: 'toast t-' + kind, role: kind === 'bad' ? 'alert' : 'status', testid: 'toast' },
    icon(kind === 'bad' ? 'alert' : 'check'), h('span', null, message))
  $('toasts').append(el)
  setTimeout(() => { el.classList.add('out'); setTimeout(() => el.remove(), 300) }, kind === 'bad' ? 7000 : 4000)
}

// ---------- token prompt ----------
function askToken(message) {
  $('token-error').textContent = message || ''
  $('token-prompt').hidden = false
  $('token-input').value = ''
  $('token-input').focus()
}
$('token-form').addEventListener('submit', (e) => {
  e.preventDefault()
  const value = $('token-input').value.trim()
  if (!value) return
  token.set(value)
  $('token-prompt').hidden = true
  state.last = {}
  refresh()
})

// ---------- live status ----------
function renderConn() {
  const el = $('conn')
  if (state.error) {
    replace(el, h('span', { class: 'live-dot bad' }), h('span', null, state.error))
    el.className = 'conn bad'
  } else if (!state.live) {
    replace(el, h('span', { class: 'live-dot paused' }), 'Paused')
    el.className = 'conn'
  } else {
    const ago = state.lastOk ? Math.max(0, Math.round((Date.now() - state.lastOk) / 1000)) : null
    replace(el, h('span', { class: 'live-dot on' }), 'Live', ago === null ? null : h('span', { class: 'muted' }, ' · ' + (ago < 2 ? 'just now' : ago + 's ago')))
    el.className = 'conn'
  }
  const btn = $('live-toggle')
  btn.setAttribute('aria-pressed', String(state.live))
  btn.dataset.live = String(state.live)
  replace(btn, icon(state.live ? 'pause' : 'play'), state.live ? 'Pause' : 'Resume')
}

function setLive(live) {
  state.live = live
  renderConn()
  if (live) refresh()
  else clearTimeout(state.timer)
}

// ---------- data ----------
function changed(part, data) {
  const text = JSON.stringify(data)
  if (state.last[part] === text) return false
  state.last[part] = text
  return true
}

const on = {
  openEvent: (id) => go('#/event/' + enc(id)),
  openDelivery: (id) => go('#/delivery/' + enc(id)),
  go: (hash) => go(hash),
  close: () => closeDrawer(),
  replay: (id, btn) => act(btn, async () => {
    const r = await api('/deliveries/' + enc(id) + '/replay', 'POST')
    toast('Replay queued: ' + r.delivery.id)
    go('#/delivery/' + enc(r.delivery.id))
  }),
  rerun: (id, btn) => act(btn, async () => {
    const r = await api('/events/' + enc(id) + '/rerun', 'POST')
    if (r.event) {
      toast('Re-run as ' + r.event + (r.deliveries && r.deliveries.length ? ' (' + r.deliveries.length + ' deliveries)' : ' (' + (r.reason || 'nothing to send') + ')'))
      go('#/event/' + enc(r.event))
    } else {
      toast(r.reason || 'nothing to re-run')
    }
  }),
  runSchedule: (name, btn) => act(btn, async () => {
    const r = await api('/schedules/' + enc(name) + '/run', 'POST')
    toast('Ran ' + name + ' now: ' + r.event + (r.deliveries && r.deliveries.length ? ' (' + r.deliveries.length + ' deliveries)' : ' (' + (r.reason || 'nothing to send') + ')'))
  }),
  retryFailed: (target, btn) => act(btn, async () => {
    const r = await api('/targets/' + enc(target) + '/retry-failed', 'POST')
    toast(r.retried === 0 ? 'Nothing to retry for ' + target : 'Retrying ' + r.retried + ' failed deliver' + (r.retried === 1 ? 'y' : 'ies') + ' to ' + target)
  }),
  resumeTarget: (target, btn) => act(btn, async () => {
    await api('/targets/' + enc(target) + '/resume', 'POST')
    toast('Resumed ' + target)
  }),
}

async function act(btn, fn) {
  if (btn) btn.disabled = true
  try {
    await fn()
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) { token.clear(); askToken('That token was refused. Paste the current one.') }
    else toast(err.message, 'bad')
  } finally {
    if (btn && btn.isConnected) btn.disabled = false
    state.last = {}
    refresh()
  }
}

async function loadAll() {
  const since = new Date(Date.now() - DAY_MS).toISOString()
  const view = state.view
  const [summary, events, failed, detail, schedules] = await Promise.all([
    api('/summary'),
    api('/events' + query({ limit: state.limit, source: state.source, status: state.status })),
    api('/deliveries' + query({ status: 'failed', from: since, limit: 100 })),
    view ? api((view.kind === 'event' ? '/events/' : '/deliveries/') + enc(view.id)).catch((err) => ({ missing: err })) : null,
    api('/schedules'),
  ])
  if (changed('summary', summary)) {
    renderRules($('rules'), summary)
    renderStats($('stats'), summary)
    renderPaused($('paused'), summary.paused_targets || [], on)
    fillSources(summary.sources)
  }
  const selected = view && view.kind === 'event' ? view.id : null
  if (changed('events', [events, selected])) {
    const focused = document.activeElement && document.activeElement.closest('#events-body tr') ? document.activeElement.dataset.id : null
    renderEvents($('events-body'), events.items, selected, on)
    if (focused) { const row = $('events-body').querySelector('tr[data-id="' + CSS.escape(focused) + '"]'); if (row) row.focus() }
    const canMore = events.items.length >= state.limit && state.limit < MAX_PAGE
    replace($('events-more'), canMore ? h('button', { class: 'btn ghost', type: 'button', testid: 'events-more', onclick: () => { state.limit = Math.min(MAX_PAGE, state.limit + PAGE); refresh() } }, 'Show more') : null)
  }
  if (changed('failed', failed.items)) renderFailed($('failed-body'), failed.items, on)
  if (changed('schedules', schedules.schedules)) renderSchedules($('schedules'), $('schedules-body'), schedules.schedules, on)
  if (view === state.view && view && changed('detail', detail)) renderDetail(view, detail)
}

function renderDetail(view, detail) {
  const el = $('drawer')
  const body = el.querySelector('.drawer-body')
  const scroll = body ? body.scrollTop : 0
  if (detail && detail.missing) {
    el.replaceChildren(h('div', { class: 'drawer-head' }, h('div', { class: 'crumbs' }, view.kind === 'event' ? 'Event' : 'Delivery'), h('span', { class: 'spacer' }),
      h('button', { class: 'btn ghost icon-only', type: 'button', 'aria-label': 'Close', onclick: closeDrawer }, icon('close'))),
    h('div', { class: 'drawer-body' }, h('div', { class: 'banner bad' }, icon('alert'), detail.missing.message)))
    return
  }
  state.detailEvent = view.kind === 'delivery' ? detail.delivery.event : null
  if (view.kind === 'event') renderEvent(el, detail, on)
  else renderDelivery(el, detail, on)
  const nb = el.querySelector('.drawer-body')
  if (nb) nb.scrollTop = scroll
}

function fillSources(sources) {
  const sel = $('filter-source')
  const current = sel.value
  replace(sel, h('option', { value: '' }, 'All sources'), sources.map((s) => h('option', { value: s }, s)))
  sel.value = sources.includes(current) ? current : ''
}

async function refresh() {
  clearTimeout(state.timer)
  if (!token.get()) { askToken(); return }
  const run = (state.inFlight = loadAll())
  try {
    await run
    state.error = null
    state.lastOk = Date.now()
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      token.clear()
      askToken(err.message === 'no admin token' ? '' : 'That token was refused. Paste the current one.')
      state.error = 'No access'
      renderConn()
      return
    }
    state.error = err instanceof ApiError && err.status === 0 ? 'Offline · retrying' : 'Error: ' + err.message
  }
  if (run !== state.inFlight) return // a newer refresh took over
  renderConn()
  if (state.live && !document.hidden) state.timer = setTimeout(refresh, POLL_MS)
}

// ---------- navigation ----------
function go(hash) {
  if (location.hash === hash) return
  history.pushState(null, '', hash || location.pathname + location.search)
  route()
}

function closeDrawer() {
  go('')
}

function route() {
  const m = /^#\/(event|delivery)\/(.+)$/.exec(location.hash)
  const drawer = $('drawer')
  const wasOpen = !drawer.hidden
  if (!m) {
    state.view = null
    drawer.hidden = true
    $('scrim').hidden = true
    document.body.classList.remove('drawer-open')
    delete state.last.detail
    delete state.last.events
    if (state.openerId) {
      const row = $('events-body').querySelector('tr[data-id="' + CSS.escape(state.openerId) + '"]')
      if (row) row.focus()
      state.openerId = null
    }
    refresh()
    return
  }
  let id = m[2]
  try { id = decodeURIComponent(id) } catch { /* as written */ }
  if (!wasOpen) {
    const active = document.activeElement
    state.openerId = active && active.dataset ? active.dataset.id || null : null
  }
  state.view = { kind: m[1], id }
  delete state.last.detail
  delete state.last.events
  if (!wasOpen || !drawer.querySelector('.drawer-body')) {
    drawer.replaceChildren(h('div', { class: 'drawer-head' }, h('div', { class: 'crumbs muted' }, 'Loading…')), h('div', { class: 'drawer-body' }, h('div', { class: 'skeleton' }), h('div', { class: 'skeleton short' })))
  }
  drawer.hidden = false
  $('scrim').hidden = false
  document.body.classList.add('drawer-open')
  if (!wasOpen) drawer.focus({ preventScroll: true })
  refresh()
}

// ---------- keyboard ----------
function moveRow(step) {
  const rows = [...$('events-body').querySelectorAll('tr.row')]
  if (rows.length === 0) return
  const i = rows.indexOf(document.activeElement)
  const next = rows[i === -1 ? 0 : Math.max(0, Math.min(rows.length - 1, i + step))]
  next.focus()
  next.scrollIntoView({ block: 'nearest' })
}

document.addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return
  if (!$('token-prompt').hidden) return
  const tag = e.target && e.target.tagName
  if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') return
  if (!$('help').hidden) { if (e.key === 'Escape' || e.key === '?') { $('help').hidden = true; e.preventDefault() } return }
  switch (e.key) {
    case 'Escape':
      if (state.view && state.view.kind === 'delivery' && state.detailEvent) go('#/event/' + enc(state.detailEvent))
      else if (state.view) closeDrawer()
      break
    case 'j': case 'ArrowDown': if (!state.view || tag === 'TR') { moveRow(1); e.preventDefault() } break
    case 'k': case 'ArrowUp': if (!state.view || tag === 'TR') { moveRow(-1); e.preventDefault() } break
    case 'p': setLive(!state.live); break
    case 'r': state.last = {}; refresh(); break
    case 't': toggleTheme(); break
    case 'f': $('failed').scrollIntoView({ behavior: 'smooth', block: 'start' }); break
    case '?': $('help').hidden = false; break
    default: return
  }
})

// ---------- start ----------
takeTokenFromUrl()
applyTheme(localStorage.getItem(THEME_KEY))
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => applyTheme(localStorage.getItem(THEME_KEY)))
replace($('logo'), icon('logo'))
replace($('modal-logo'), icon('logo'))
replace($('refresh'), icon('refresh'))
replace($('help-toggle'), icon('keyboard'))
$('live-toggle').addEventListener('click', () => setLive(!state.live))
$('refresh').addEventListener('click', () => { state.last = {}; refresh() })
$('theme-toggle').addEventListener('click', toggleTheme)
$('help-toggle').addEventListener('click', () => { $('help').hidden = false })
$('help').addEventListener('click', (e) => { if (e.target === $('help')) $('help').hidden = true })
$('scrim').addEventListener('click', closeDrawer)
$('filter-source').addEventListener('change', (e) => { state.source = e.target.value; state.limit = PAGE; refresh() })
replace($('filter-status'), STATUS_FILTERS.map(([value, label]) => h('button', {
  type: 'button', role: 'radio', class: 'seg', 'aria-checked': String(value === state.status), data: { value }, testid: 'filter-status-' + (value || 'all'),
  onclick: (e) => {
    state.status = value
    state.limit = PAGE
    for (const b of $('filter-status').children) b.setAttribute('aria-checked', String(b.dataset.value === value))
    e.currentTarget.focus()
    refresh()
  },
}, label)))
window.addEventListener('popstate', route)
// a token pasted into the address bar of an open dashboard (#token=..., e.g. after a restart) is taken without a reload
window.addEventListener('hashchange', () => {
  if (!takeTokenFromUrl()) return
  $('token-prompt').hidden = true
  state.last = {}
  refresh()
})
document.addEventListener('visibilitychange', () => { if (!document.hidden && state.live) refresh() })
setInterval(() => { tickTimes(); if (!state.error && state.live) renderConn() }, 1000)
renderConn()
route()
