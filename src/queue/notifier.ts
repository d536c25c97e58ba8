import { createHash } from 'node:crypto'
import { maskDeep, maskSecrets } from '../secret-masking.ts'
import { dashboardLink } from '../dashboard-link.ts'
import type { Logger } from '../logger.ts'
import { formatNotification } from '../notify/format-notification.ts'
import type { Notification } from '../notify/notification.ts'
import type { RetryPolicy, RuleSet } from '../rules/types.ts'
import type { BuildReference } from '../targets/build-reference.ts'
import { NOTIFY_JOB, deliveryJobOptions } from './delivery-job.ts'
import type { DeliveryQueues } from './delivery-queue.ts'

/** A notification's own budget: a chat webhook that is down must not pile up attempts for long. */
export const NOTIFY_RETRY: RetryPolicy = { attempts: 5, backoffMs: 2_000, maxBackoffMs: 60_000 }
export const NOTIFY_TIMEOUT_MS = 10_000

/** What a caller reports; `at` and `link` are filled in here. */
export type NotificationInput = Omit<Notification, 'at' | 'link'>

export interface Notifier {
  /** Queues one job per `notify:` entry that listens for this type. Never throws: alerts must not break deliveries. */
  notify(n: NotificationInput): Promise<void>
}

export interface NotifierOptions {
  /** notifications go to the queue of their `notify:` entry's partition */
  queues: Pick<DeliveryQueues, 'forTarget'>
  getRuleSet: () => RuleSet
  /** the dashboard's public base URL, for links; null: notifications carry none */
  publicUrl: string | null
  userAgent: string
  retentionMs: number
  logger: Logger
}

/**
 * Notifications travel through the delivery queue as `notify` jobs with their own retries. They
 * are never about themselves: a notify job that fails is logged and counted, nothing more.
 */
export function createNotifier(options: NotifierOptions): Notifier {
  const { queues, logger } = options
  return {
    async notify(input) {
      const ruleSet = options.getRuleSet()
      const listeners = [...ruleSet.notifiers.values()].filter((d) => d.on.includes(input.type))
      if (listeners.length === 0) {
        return
      }
      const n = maskNotification({ ...input, at: new Date().toISOString(), ...linkFor(input, options.publicUrl) }, ruleSet.secretValues)
      for (const def of listeners) {
        try {
          await queues.forTarget(def.name).add(
            NOTIFY_JOB,
            { notify: def.name, type: n.type, request: formatNotification(def.type, def.url, n, options.userAgent), timeoutMs: NOTIFY_TIMEOUT_MS, retry: NOTIFY_RETRY },
            { ...jobIdFor(def.name, n), ...deliveryJobOptions(NOTIFY_RETRY.attempts, options.retentionMs) }
          )
        } catch (err) {
          logger.warn({ notify: def.name, type: n.type, err: (err as Error).message }, 'notification not queued')
        }
      }
    },
  }
}

/**
 * Several processes may report the same fact (every process reloads the rules, so each sees the
 * same broken set): a job id derived from the fact queues it once. Pauses and resumes are reported
 * by the one process whose script changed the breaker, so they need none.
 */
function jobIdFor(notify: string, n: Notification): { jobId?: string } {
  if (n.type === 'delivery_failed' && n.delivery) {
    return { jobId: `notify-${notify}-failed-${n.delivery}` }
  }
  if (n.type === 'rules_invalid') {
    const hash = createHash('sha256').update(JSON.stringify(n.problems ?? [])).digest('hex').slice(0, 16)
    return { jobId: `notify-${notify}-rules-${hash}` }
  }
  return {}
}

function linkFor(n: NotificationInput, publicUrl: string | null): { link?: string } {
  const link = dashboardLink(publicUrl, n.delivery || undefined)
  return link === null ? {} : { link }
}

function maskNotification(n: Notification, secrets: readonly string[]): Notification {
  return {
    ...n,
    message: maskSecrets(n.message, secrets),
    ...(n.excerpt === undefined ? {} : { excerpt: maskSecrets(n.excerpt, secrets) }),
    ...(n.problems === undefined ? {} : { problems: n.problems.map((p) => maskSecrets(p, secrets)) }),
    ...(n.build === undefined ? {} : { build: maskDeep(n.build, secrets) as BuildReference }),
  }
}
