import type * as z from 'zod'
import type { PackageView, PullRequestView, PushView, ScheduleView } from '../envelope.ts'

/** What the HTTP layer hands to a source type: raw bytes, never re-serialised. */
export interface InboundRequest {
  method: string
  /** lower-cased header names */
  headers: Record<string, string>
  query: Record<string, string>
  rawBody: Buffer
}

/** A source as declared in the rule files, after `${VAR}` expansion. */
export interface SourceConfig {
  name: string
  type: string
  /** any one of them verifies (rotation); empty only when `verify: none` */
  secrets: string[]
  /** type-specific options, already validated by the type's `optionsSchema` */
  options: Record<string, unknown>
}

/** What a source type reads out of a verified request. */
export interface ParsedEvent {
  /** the sender's event name (`push`, `Push Hook`, `repo:push`, ...) */
  event: string
  /** the sender's delivery id (e.g. X-GitHub-Delivery), or null when the sender has none */
  deliveryId: string | null
  /** a ping/test event: answered 200, triggers nothing */
  ping: boolean
  /** parsed JSON, the decoded `payload` field of a form post, or the form fields */
  body: unknown
  /** normalized pushes: empty when not a ref push; Bitbucket yields one per change */
  pushes: PushView[]
  /** the normalized pull/merge request, or null when the event is not about one */
  pullRequest: PullRequestView | null
  package: PackageView | null
  /**
   * Every package when one event names several (a Harbor push of several artifacts): one
   * envelope each. Absent when there is at most one, which `package` then carries.
   */
  packages?: PackageView[]
  /** set by the schedule type only: the tick that fired */
  schedule?: ScheduleView
}

/** One source type (github, gitlab, ...): verify + parse + normalize. Pure: no I/O. */
export interface SourceType {
  readonly type: string
  /** schema of the type-specific options a rule file may set (besides type/secret/secrets/verify) */
  readonly optionsSchema: z.ZodType<Record<string, unknown>>
  /** option paths (`redeliver.token`) whose values are secrets: masked like the source's secret */
  readonly secretOptions?: readonly string[]
  /**
   * Why one secret cannot work with these (validated) options, or null: checked at load, so a
   * key that decodes to nothing is refused before any request is verified with it.
   */
  readonly secretProblem?: (secret: string, options: Record<string, unknown>) => string | null
  /** fires on its own (a schedule): no secret, no webhooks; the pipeline builds its request */
  readonly scheduled?: true
  /**
   * Its envelopes name a commit (`push.sha`, `pull_request.source.sha`) and its repository, so a
   * route may report a commit status without saying which commit (`report_to`).
   */
  readonly commits?: true
  /**
   * `receivedAt` (default: now) is for schemes that sign a timestamp and refuse stale ones
   * (standard-webhooks).
   * @throws VerificationError when authenticity cannot be established
   */
  verify(req: InboundRequest, source: SourceConfig, receivedAt?: Date): void
  /** @throws BodyError when the body cannot be parsed for its content type */
  parse(req: InboundRequest, source: SourceConfig): ParsedEvent
}
