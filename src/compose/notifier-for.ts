import type { Config } from '../config.ts'
import type { Logger } from '../logger.ts'
import type { DeliveryQueues } from '../queue/delivery-queue.ts'
import { createNotifier, type Notifier } from '../queue/notifier.ts'
import type { RuleSet } from '../rules/types.ts'

export interface NotifierContext {
  config: Config
  rules: () => RuleSet
  userAgent: string
  logger: Logger
}

/** The notifier whose notifications travel through `queues` (the producer's, or a worker's own). */
export function notifierFor(queues: DeliveryQueues, context: NotifierContext): Notifier {
  const { config } = context
  return createNotifier({
    queues,
    getRuleSet: context.rules,
    publicUrl: config.publicUrl,
    userAgent: context.userAgent,
    retentionMs: config.retentionMs,
    logger: context.logger.child({ component: 'notify' }),
  })
}
