import type * as z from 'zod'
import type { BuildReference, TargetResponse } from './build-reference.ts'

/**
 * A fully rendered HTTP request: what the queue stores and every attempt sends, byte for byte
 * (plus, for a signing target, the signature headers each attempt makes).
 */
export interface OutboundRequest {
  method: string
  url: string
  headers: Record<string, string>
  body: string
}

/** One attempt's part of a signature: the message id (the same on every retry) and when it is sent. */
export interface SigningMoment {
  id: string
  timestampSeconds: number
}

/** One target preset (bitrise, gitlab, ...): options schema + request builder. Pure: no I/O. */
export interface TargetPreset<Options extends Record<string, unknown> = Record<string, unknown>> {
  readonly type: string
  /** schema of the preset-specific options (besides type/cooldown/cooldown_key/retry/timeout) */
  readonly optionsSchema: z.ZodType<Options>
  /** option names whose values are secrets: masked in logs, API responses and dry runs */
  readonly secretOptions: readonly string[]
  /** JSONata used when a route gives no `map` (documented in the README) */
  readonly defaultMap: string
  /**
   * The default map for these options, when it depends on them (github-actions: a workflow
   * dispatch wants `ref`, a repository dispatch `event_type`). Absent: `defaultMap`.
   */
  defaultMapFor?(options: Options): string
  /**
   * Secret values the request carries in another form than the option itself, such as a Basic
   * credential (base64 of `user:token`): masked like the secret options wherever they appear.
   */
  derivedSecrets?(options: Options): readonly string[]
  /** cooldown applied when the target declares none (myget: 5m) */
  readonly defaultCooldownMs: number
  /**
   * A reporter posts commit statuses (github-status, ...): a route names it in `report_to`, never
   * in `to`, and its `buildRequest` takes a CommitStatus (commit-status.ts) that hookyard builds.
   */
  readonly reporter?: true
  /**
   * Turns the route's mapped value into the exact request for this CI system.
   * @throws MappingError naming the missing or invalid field when `mapped` does not satisfy the preset
   */
  buildRequest(mapped: unknown, options: Options): OutboundRequest
  /**
   * What must be added when each attempt is sent rather than when the request is built, such as
   * a signature over a fresh timestamp (http with `signing_secret`). Absent: sent as stored.
   */
  signAttempt?(request: OutboundRequest, options: Options, moment: SigningMoment): OutboundRequest
  /**
   * The build the CI system started, read from its successful answer (a build URL, id or number).
   * Returns undefined when the answer carries none or is not what the CI system documents; never
   * throws, whatever the body holds. Absent: the preset's answers name no build.
   */
  readBuildReference?(response: TargetResponse): BuildReference | undefined
}
