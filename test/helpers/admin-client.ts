/**
 * A small client for the admin API in tests, with the response shapes the tests read (the
 * contract in src/http/admin-views.ts; only the fields tests look at are spelled out).
 */
export interface AdminReply<T> {
  status: number
  /** the raw body, to assert that nothing secret is in it */
  text: string
  json: T
}

export interface ErrorBody {
  error: { code: string; message: string }
}

export interface Page<T> {
  items: T[]
  next_cursor: string | null
}

export interface EventItem {
  id: string
  source: string
  type: string
  received_at: string
  rules_version: string
  rerun_of?: string
  routes: { route: string; status: string; reason?: string }[]
  deliveries: Record<'total' | 'delivered' | 'failed' | 'queued' | 'retrying' | 'coalesced', number>
}

export interface RequestView {
  method: string
  url: string
  headers: Record<string, string>
  body: string
  body_truncated: boolean
}

export interface DeliveryItem {
  id: string
  event: string
  route: string
  target: string
  source: string | null
  status: string
  attempts_made: number
  replay_of?: string
  request: RequestView | null
}

export interface AttemptItem {
  attempt: number
  status: number | null
  outcome: string
  duration_ms: number
  response_headers: Record<string, string>
  response_excerpt: string
}

export interface EventDetail {
  event: EventItem & { envelope: unknown; request: Omit<RequestView, 'url'> & { query: Record<string, string> } }
  deliveries: DeliveryItem[]
}

export interface DeliveryDetail {
  delivery: DeliveryItem
  attempts: AttemptItem[]
}

export interface AdminClient {
  get<T>(path: string): Promise<AdminReply<T>>
  post<T>(path: string): Promise<AdminReply<T>>
}

/** Calls the admin API with `Authorization: Bearer <token>` (null: no header at all). */
export function adminClient(baseUrl: string, token: string | null): AdminClient {
  const call = async <T>(method: string, path: string): Promise<AdminReply<T>> => {
    const res = await fetch(`${baseUrl}${path}`, { method, headers: token === null ? {} : { authorization: `Bearer ${token}` } })
    const text = await res.text()
    return { status: res.status, text, json: (text ? JSON.parse(text) : null) as T }
  }
  return { get: (path) => call('GET', path), post: (path) => call('POST', path) }
}
