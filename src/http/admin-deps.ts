import type { DeliveryLog } from '../store/delivery-log.ts'
import type { LogReader } from '../store/log-reader.ts'
import type { IngestPipeline } from '../ingest/ingest-pipeline.ts'
import type { Logger } from '../logger.ts'
import type { MetricsRecorder } from '../metrics/metrics-recorder.ts'
import type { FlowStore } from '../store/flow-store.ts'
import type { Notifier } from '../queue/notifier.ts'
import type { Replayer } from '../queue/replay.ts'
import type { RuleSet } from '../rules/types.ts'
import type { ScheduleState } from '../store/schedule-state.ts'

/** What the admin routes read and act through. */
export interface AdminDeps {
  /** the bearer token every admin request must carry */
  token: string
  getRuleSet: () => RuleSet
  log: DeliveryLog
  reader: LogReader
  replayer: Replayer
  /** re-runs go through the same pipeline as ingress */
  pipeline: IngestPipeline
  /** BullMQ job counts by state (waiting, active, delayed, failed, completed) */
  queueCounts: () => Promise<Record<string, number>>
  /** targets' concurrency and circuit state; pause and resume by hand */
  flow: FlowStore
  notifier: Notifier
  logger: Logger
  /** last fire and event of each schedule */
  schedules: ScheduleState
  metrics?: Pick<MetricsRecorder, 'scheduleFired'> | null
  userAgent: string
}
