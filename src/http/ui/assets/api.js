// /ui/assets/api.js: the admin token and calls to /api. The token arrives in the URL fragment (never sent to a server, and wiped from the address bar at once), lives in sessionStorage (this tab only) and goes out only as `Authorization: Bearer` to this origin.
const KEY = 'hookyard.adminToken'

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message)
    this.status = status
    this.code = code
  }
}

/** Moves #token=... from the address bar into sessionStorage; returns true when one was there. */
export function takeTokenFromUrl() {
  const m = /^#(?:.*&)?token=([^&]*)/.exec(location.hash)
  if (!m) return false
  let value = m[1]
  try { value = decodeURIComponent(value) } catch { /* keep it as written */ }
  if (value) sessionStorage.setItem(KEY, value)
  history.replaceState(null, '', location.pathname + location.search)
  return true
}

export const token = {
  get: () => sessionStorage.getItem(KEY),
  set: (value) => sessionStorage.setItem(KEY, value),
  clear: () => sessionStorage.removeItem(KEY),
}

export async function api(path, method = 'GET') {
  const t = token.get()
  if (!t) throw new ApiError(401, 'UNAUTHORIZED', 'no admin token')
  let res
  try {
    res = await fetch('/api' + path, {
      method,
      headers: { authorization: 'Bearer ' + t, accept: 'application/json' },
      cache: 'no-store',
      credentials: 'omit',
    })
  } catch (err) {
    throw new ApiError(0, 'NETWORK', 'hookyard is unreachable (' + err.message + ')')
  }
  let body
  try { body = await res.json() } catch { body = null }
  if (!res.ok) {
    const e = body && body.error
    throw new ApiError(res.status, e && e.code ? e.code : 'HTTP_' + res.status, e && e.message ? e.message : res.statusText || 'request failed')
  }
  return body
}

export function query(params) {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s ? '?' + s : ''
}

export const enc = encodeURIComponent
