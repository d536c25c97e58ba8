/**
 * Sign inbound webhooks at test time exactly as each sender does, and build realistic header
 * sets (lower-case names, as the HTTP layer hands them to a source type). A `secret` of null
 * leaves the signature/token header out, to exercise "missing signature" and `verify: none`.
 *
 *   const body = JSON.stringify(githubBranchPush())
 *   await fetch(url, { method: 'POST', headers: githubHeaders('s3cret', 'push', body), body })
 */
import { createHmac, randomUUID } from 'node:crypto'
import { Webhook } from 'standardwebhooks'

export type Body = string | Buffer
export type HookHeaders = Record<string, string>

export interface HeaderOptions {
  /** the sender's delivery id: X-GitHub-Delivery, Idempotency-Key, X-Request-UUID/-Id, X-Gitea-Delivery */
  delivery?: string
  /** aliases of `delivery` named after each sender's header */
  idempotencyKey?: string
  requestUuid?: string
  requestId?: string
  /** GitHub/Gitea: `form` posts `payload=<json>` (see formBody) */
  contentType?: 'json' | 'form'
  /** GitLab only: X-Gitlab-Event-UUID (the dedupe key before Idempotency-Key existed) */
  eventUuid?: string
  /** Bitbucket Server only: older servers sign with sha1 */
  algorithm?: 'sha256' | 'sha1'
}

export function hmacHex(algorithm: 'sha1' | 'sha256' | 'sha512', secret: string, body: Body): string {
  return createHmac(algorithm, secret).update(body).digest('hex')
}

/** GitHub `X-Hub-Signature-256`: `sha256=<hex>` over the exact body sent (form body for form hooks). */
export function signGithub(secret: string, body: Body): string {
  return `sha256=${hmacHex('sha256', secret, body)}`
}

/** Bitbucket Cloud and Server `X-Hub-Signature`: `sha256=<hex>` (Server may also use `sha1=`). */
export function signBitbucket(secret: string, body: Body, algorithm: 'sha256' | 'sha1' = 'sha256'): string {
  return `${algorithm}=${hmacHex(algorithm, secret, body)}`
}

/** Gitea/Forgejo `X-Gitea-Signature`: bare hex over the JSON payload string (also for form hooks). */
export function signGitea(secret: string, payloadJson: Body): string {
  return hmacHex('sha256', secret, payloadJson)
}

/** A form-encoded hook body, `payload=<url-encoded JSON>` (GitHub `form`, Gitea form hooks). */
export function formBody(payloadJson: string): string {
  return `payload=${encodeURIComponent(payloadJson)}`
}

/** (secret or null to leave the signature out, event name, exact body, options) → lower-case headers */
export type SignedHeaders = (secret: string | null, event: string, body: Body, opts?: HeaderOptions) => HookHeaders

const contentType = (opts: HeaderOptions) =>
  opts.contentType === 'form' ? 'application/x-www-form-urlencoded' : 'application/json'
const deliveryId = (opts: HeaderOptions) =>
  opts.delivery ?? opts.idempotencyKey ?? opts.requestUuid ?? opts.requestId ?? randomUUID()

/** GitHub's headers; `body` is exactly what goes on the wire (the form body for `form`). */
export const githubHeaders: SignedHeaders = (secret, event, body, opts = {}) => {
  const headers: HookHeaders = {
    'content-type': contentType(opts),
    'user-agent': 'GitHub-Hookshot/044aadd',
    'x-github-event': event,
    'x-github-delivery': deliveryId(opts),
    'x-github-hook-id': '292430182',
    'x-github-hook-installation-target-id': '79929171',
    'x-github-hook-installation-target-type': 'repository',
  }
  if (secret !== null) headers['x-hub-signature-256'] = signGithub(secret, body)
  return headers
}

/** GitLab's headers: the secret travels verbatim in `X-Gitlab-Token`; `delivery` is Idempotency-Key. */
export function gitlabHeaders(token: string | null, event: string, opts: HeaderOptions = {}): HookHeaders {
  const headers: HookHeaders = {
    'content-type': 'application/json',
    'user-agent': 'GitLab/17.6.0',
    'x-gitlab-event': event,
    'x-gitlab-instance': 'https://gitlab.example.com',
    'x-gitlab-event-uuid': opts.eventUuid ?? randomUUID(),
    'x-gitlab-webhook-uuid': randomUUID(),
    'idempotency-key': deliveryId(opts),
  }
  if (token !== null) headers['x-gitlab-token'] = token
  return headers
}

/** Bitbucket Cloud's headers (`X-Event-Key: repo:push`, ...); `delivery` is X-Request-UUID. */
export const bitbucketHeaders: SignedHeaders = (secret, eventKey, body, opts = {}) => {
  const headers: HookHeaders = {
    'content-type': 'application/json',
    'user-agent': 'Bitbucket-Webhooks/2.0',
    'x-event-key': eventKey,
    'x-hook-uuid': '{1c4d6e8f-2a3b-4c5d-9e6f-7a8b9c0d1e2f}',
    'x-request-uuid': deliveryId(opts),
    'x-attempt-number': '1',
  }
  if (secret !== null) headers['x-hub-signature'] = signBitbucket(secret, body)
  return headers
}

/** Bitbucket Server / Data Center's headers (`repo:refs_changed`, ...); `delivery` is X-Request-Id. */
export const bitbucketServerHeaders: SignedHeaders = (secret, eventKey, body, opts = {}) => {
  const headers: HookHeaders = {
    'content-type': 'application/json; charset=utf-8',
    'user-agent': 'Atlassian HttpClient 4.2.0 / Bitbucket-8.19.1 (8019001) / Default',
    'x-event-key': eventKey,
    'x-request-id': deliveryId(opts),
  }
  if (secret !== null) headers['x-hub-signature'] = signBitbucket(secret, body, opts.algorithm)
  return headers
}

/**
 * Gitea's headers, signed over the JSON payload string whatever the content type: for `form`,
 * pass the JSON here and send formBody(payloadJson) as the body.
 */
export const giteaHeaders: SignedHeaders = (secret, event, payloadJson, opts = {}) => {
  const delivery = deliveryId(opts)
  const headers: HookHeaders = {
    'content-type': contentType(opts),
    'user-agent': 'Go-http-client/1.1',
    'x-gitea-event': event,
    'x-gitea-event-type': event,
    'x-gitea-delivery': delivery,
    'x-github-event': event,
    'x-github-delivery': delivery,
    'x-gogs-event': event,
    'x-gogs-delivery': delivery,
  }
  if (secret === null) return headers
  const signature = signGitea(secret, payloadJson)
  const github = `sha256=${signature}`
  return { ...headers, 'x-gitea-signature': signature, 'x-gogs-signature': signature, 'x-hub-signature-256': github }
}

/**
 * ProGet/generic: a JSON post carrying the shared token in `X-Hookyard-Token` (pass null and
 * put `?token=` in the URL instead, or send `authorization: Bearer …`).
 */
export function tokenHeaders(token: string | null, event?: string): HookHeaders {
  const headers: HookHeaders = { 'content-type': 'application/json', 'user-agent': 'ProGet/2024.20' }
  if (token !== null) headers['x-hookyard-token'] = token
  if (event !== undefined) headers['x-event'] = event
  return headers
}

/** npm registry hooks: `x-npm-signature: sha256=<hex HMAC-SHA256 of the raw body>`; no event header. */
export function npmHeaders(secret: string | null, body: Body): HookHeaders {
  const headers: HookHeaders = { 'content-type': 'application/json', 'user-agent': 'npm-hooks/1.0.0' }
  if (secret !== null) headers['x-npm-signature'] = `sha256=${hmacHex('sha256', secret, body)}`
  return headers
}

/** Nexus Repository 3: `X-Nexus-Webhook-Signature` = bare hex HMAC-SHA1 of the body; the event is `X-Nexus-Webhook-Id`. */
export function nexusHeaders(secret: string | null, webhookId: string, body: Body, opts: HeaderOptions = {}): HookHeaders {
  const headers: HookHeaders = {
    'content-type': 'application/json; charset=UTF-8',
    'user-agent': 'Sonatype Nexus 3.68.1-02',
    'x-nexus-webhook-id': webhookId,
    'x-nexus-webhook-delivery': deliveryId(opts),
  }
  if (secret !== null) headers['x-nexus-webhook-signature'] = hmacHex('sha1', secret, body)
  return headers
}

/** Harbor (payload format "Default"): no signature, the policy's auth header value as `Authorization`. */
export function harborHeaders(authHeader: string | null): HookHeaders {
  const headers: HookHeaders = { 'content-type': 'application/json', 'user-agent': 'Go-http-client/1.1' }
  if (authHeader !== null) headers['authorization'] = authHeader
  return headers
}

/**
 * Standard Webhooks (Svix-based senders, GitLab signing tokens): signed with the specification's
 * reference library, so hookyard's verifier is checked against an implementation it did not write.
 */
export function standardWebhooksHeaders(secret: string | null, id: string, body: string, at: Date = new Date()): HookHeaders {
  const headers: HookHeaders = {
    'content-type': 'application/json',
    'user-agent': 'Svix-Webhooks/1.44.0',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
  }
  if (secret !== null) headers['webhook-signature'] = new Webhook(secret).sign(id, at, body)
  return headers
}
