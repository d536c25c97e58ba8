import type { BuildReference } from '../targets/build-reference.ts'

/** What a `notify:` entry can be told about. */
export const NOTIFICATION_TYPES = ['delivery_failed', 'target_paused', 'target_resumed', 'rules_invalid'] as const
export type NotificationType = (typeof NOTIFICATION_TYPES)[number]

/** The formats a `notify:` entry posts. */
export const NOTIFY_KINDS = ['slack', 'teams', 'http'] as const
export type NotifyKind = (typeof NOTIFY_KINDS)[number]

/**
 * One notification, as the `http` kind posts it (the other kinds render the same facts). `at` is
 * an ISO timestamp; `message` is one human sentence; `link` points at the dashboard when
 * HOOKYARD_PUBLIC_URL is set.
 */
export interface Notification {
  type: NotificationType
  at: string
  target?: string
  route?: string
  delivery?: string
  /** the last attempt's HTTP status (null: no response) */
  status?: number | null
  message: string
  link?: string
  /** delivery_failed: the start of the last response body */
  excerpt?: string
  /** target_paused: when the pause ends and one probe delivery may go */
  until?: string
  /** rules_invalid: the first problems, as `file:line:col message` */
  problems?: string[]
  /** the build the delivery started, as its CI system's answer named it */
  build?: BuildReference
}
