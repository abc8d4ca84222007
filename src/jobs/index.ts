/** Lantern's background jobs: one runner over the `jobs` collection, and recurring schedules that feed it. */
export { JOB_STATUSES, jobSchema, jobFenceSchema, type JobDoc, type JobFenceDoc, type JobModel, type JobFenceModel, type JobState, type JobStatus, type JobStores } from './job-model.js';
export { scheduleSchema, type ScheduleDoc, type ScheduleModel } from './schedule-model.js';
export {
  DEFAULT_BACKOFF,
  JobRunner,
  retryDelayMs,
  type BackoffPolicy,
  type EnqueueOptions,
  type EnqueueResult,
  type JobContext,
  type JobDataOf,
  type JobHandler,
  type JobHandlers,
  type JobRun,
  type JobRunnerOptions,
  type RunOutcome,
  type RunSummary,
} from './runner.js';
export { JobScheduler, compileCron, dueOccurrence, type DueOccurrence, type JobSchedulerOptions, type ScheduleDefinition, type ScheduledData, type ScheduleTick } from './scheduler.js';
export type { JobDeps, JobSchedule } from './types.js';
