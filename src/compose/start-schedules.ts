import type { Redis } from 'ioredis'
import type { Config } from '../config.ts'
import type { IngestPipeline } from '../ingest/ingest-pipeline.ts'
import type { Logger } from '../logger.ts'
import type { MetricsRecorder } from '../metrics/metrics-recorder.ts'
import type { RuleSet } from '../rules/types.ts'
import type { Partitions } from '../store/partitions.ts'
import { createScheduleState, type ScheduleState } from '../store/schedule-state.ts'
import { startScheduler, type Scheduler } from '../schedule/scheduler.ts'
import type { Closer } from './closer.ts'

export interface SchedulesOptions {
  config: Config
  redis: Redis
  /** the last fire of each schedule is kept under them */
  keys: Partitions
  rules: () => RuleSet
  pipelineFor: (component: string) => IngestPipeline
  metrics: MetricsRecorder
  logger: Logger
  /** what a failed start must close */
  opened: Closer[]
}

export interface Schedules {
  /** the last fire per schedule (the admin API shows it) */
  state: ScheduleState
  /** null in an ingest-role process */
  scheduler: Scheduler | null
}

/** Schedule sources fire in worker-role processes; the tick's dedup claim keeps it to one event across them. */
export function startSchedules(options: SchedulesOptions): Schedules {
  const { rules, metrics, logger } = options
  const state = createScheduleState(options.redis, options.keys)
  if (options.config.role === 'ingest') return { state, scheduler: null }
  const scheduler = startScheduler({
    getRuleSet: rules,
    pipeline: options.pipelineFor('schedule'),
    state,
    logger: logger.child({ component: 'schedule' }),
    metrics,
  })
  options.opened.push(() => scheduler.stop())
  return { state, scheduler }
}
