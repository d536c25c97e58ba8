// /ui/assets/dom.js: building DOM safely and formatting values. Every piece of server data becomes a text node (h() never parses markup), so nothing the API returns can inject HTML. Kept free of backticks and dollar-brace so it can live in a raw template string.
export function h(tag, props, ...children) {
  const el = document.createElement(tag)
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === null || value === undefined || value === false) continue
      if (key === 'class') el.className = value
      else if (key === 'testid') el.dataset.testid = value
      else if (key === 'data') for (const [k, v] of Object.entries(value)) { if (v !== null && v !== undefined) el.dataset[k] = String(v) }
      else if (key.startsWith('on')) el.addEventListener(key.slice(2), value)
      else el.setAttribute(key, value === true ? '' : String(value))
    }
  }
  append(el, children)
  return el
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue
    el.append(child instanceof Node ? child : String(child))
  }
  return el
}

export function replace(el, ...children) {
  el.replaceChildren()
  return append(el, children)
}

const UNITS = [['y', 31536000], ['mo', 2592000], ['d', 86400], ['h', 3600], ['m', 60], ['s', 1]]

export function relTime(iso, now = Date.now()) {
  const t = Date.parse(iso)
  if (Number.isNaN(t)) return '—'
  const diff = Math.round((now - t) / 1000)
  const abs = Math.abs(diff)
  if (abs < 5) return 'just now'
  for (const [unit, secs] of UNITS) {
    if (abs >= secs) {
      const n = Math.floor(abs / secs)
      return diff >= 0 ? n + unit + ' ago' : 'in ' + n + unit
    }
  }
  return 'just now'
}

export function absTime(iso) {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })
}

/** A <time> the page's ticker keeps relative ("12s ago"); the exact time is its tooltip. */
export function timeEl(iso, cls) {
  return h('time', { class: cls || 'rel', datetime: iso, title: absTime(iso), data: { ts: iso } }, relTime(iso))
}

export function tickTimes(root = document) {
  const now = Date.now()
  for (const el of root.querySelectorAll('time[data-ts]')) {
    const text = relTime(el.dataset.ts, now)
    if (el.textContent !== text) el.textContent = text
  }
}

export function fmtNum(n) {
  return typeof n === 'number' ? n.toLocaleString() : '—'
}

export function fmtMs(ms) {
  if (typeof ms !== 'number') return '—'
  return ms < 1000 ? Math.round(ms) + ' ms' : (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s'
}

const LABELS = { not_matched: 'not matched', retry: 'will retry' }

/** A coloured status pill: delivered, failed, retrying, queued, coalesced, matched, not_matched, error, retry. */
export function pill(status, label, testid) {
  return h('span', { class: 'pill s-' + status, data: { status }, testid },
    h('span', { class: 'dot', 'aria-hidden': 'true' }), label === undefined ? (LABELS[status] || status) : label)
}

/** An HTTP status code chip (null: the target never answered). */
export function codeChip(code, testid) {
  if (code === null || code === undefined) return h('span', { class: 'code c-none', testid, data: { code: '' } }, 'no response')
  const cls = code >= 200 && code < 300 ? 'c-ok' : code >= 400 ? 'c-bad' : 'c-other'
  return h('span', { class: 'code ' + cls, testid, data: { code } }, String(code))
}

export function shortSha(sha) {
  return typeof sha === 'string' && /^[0-9a-f]{12,}$/i.test(sha) ? sha.slice(0, 8) : sha
}

export function kvTable(obj, testid) {
  const entries = Object.entries(obj || {})
  if (entries.length === 0) return h('p', { class: 'muted small' }, 'none')
  return h('table', { class: 'kv', testid },
    h('tbody', null, entries.map(([k, v]) => h('tr', null, h('th', null, k), h('td', null, typeof v === 'string' ? v : JSON.stringify(v))))))
}

const TOKEN = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|-?\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b/g

/** A body as a <pre>: JSON pretty-printed and highlighted (as text nodes), anything else verbatim. */
export function codeBlock(text, testid) {
  const pre = h('pre', { class: 'code-block', testid })
  if (typeof text !== 'string' || text === '') {
    pre.classList.add('empty-body')
    pre.textContent = '(empty body)'
    return pre
  }
  let pretty
  try {
    pretty = JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    pretty = null
  }
  if (pretty === null) {
    pre.textContent = text
    return pre
  }
  let last = 0
  for (const m of pretty.matchAll(TOKEN)) {
    if (m.index > last) pre.append(pretty.slice(last, m.index))
    const cls = m[1] ? (m[2] ? 'j-key' : 'j-str') : m[3] ? 'j-lit' : 'j-num'
    pre.append(h('span', { class: cls }, m[1] || m[0]))
    if (m[2]) pre.append(m[2])
    last = m.index + m[0].length
  }
  pre.append(pretty.slice(last))
  return pre
}

/** A <details> whose open state survives re-renders (keyed in the module-level set). */
const openDetails = new Set()
export function details(key, summary, body, openByDefault) {
  const open = openDetails.has(key) || (openByDefault && !openDetails.has('!' + key))
  const el = h('details', { class: 'fold', open, data: { key } }, h('summary', null, summary), body)
  el.addEventListener('toggle', () => {
    if (el.open) { openDetails.add(key); openDetails.delete('!' + key) } else { openDetails.delete(key); openDetails.add('!' + key) }
  })
  return el
}
