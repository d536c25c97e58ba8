import type { CooldownJobData, DeliveryJobData } from './delivery-job.ts'

/**
 * What the ingest script appends to the inbox for one event; the inbox pump turns each entry into a
 * BullMQ job. `attempts` is the target's retry budget.
 */
export type InboxJob =
  | { kind: 'deliver'; attempts: number; data: DeliveryJobData }
  | { kind: 'cooldown'; attempts: number; deliveryId: string; data: CooldownJobData }
