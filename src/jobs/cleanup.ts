import type { JobFenceModel, JobModel } from './job-model.js';
import type { JobSchedule } from './types.js';

/** How long finished jobs (done or dead) are kept for troubleshooting before the clean-up removes them. */
export const FINISHED_JOB_RETENTION_DAYS = 30;

/**
 * Deletes finished jobs older than the retention period and their fence rows, in batches. Retention by a
 * scheduled job, because TTL indexes are not portable (docs/mongodb-subset.md).
 */
export async function removeFinishedJobs(models: { jobs: JobModel; jobFences: JobFenceModel }, now: Date, batchSize = 500): Promise<number> {
  const cutoff = new Date(now.getTime() - FINISHED_JOB_RETENTION_DAYS * 86_400_000);
  let removed = 0;
  for (;;) {
    const batch = await models.jobs
      .find({ status: { $in: ['done', 'dead'] }, finishedAt: { $lt: cutoff } }, { _id: 1 })
      .limit(batchSize)
      .lean();
    if (batch.length === 0) return removed;
    const ids = batch.map((j) => j._id);
    await models.jobFences.deleteMany({ jobId: { $in: ids } });
    const result = await models.jobs.deleteMany({ _id: { $in: ids }, status: { $in: ['done', 'dead'] } });
    removed += result.deletedCount;
    if (batch.length < batchSize) return removed;
  }
}

/** Cron of the nightly clean-up of finished jobs (03:30 London time, after the night's directory syncs). */
export const JOBS_CLEANUP_CRON = '30 3 * * *';

/** The clean-up's job handler, spread into the server's job table. */
export function jobCleanupHandlers(deps: { models: { jobs: JobModel; jobFences: JobFenceModel }; clock: () => Date }) {
  return {
    /** Removes finished jobs past their retention. */
    'jobs.cleanup': async () => ({ removed: await removeFinishedJobs(deps.models, deps.clock()) }),
  };
}

/** The nightly clean-up, once for all schools: without it every claim reads a year of finished jobs. */
export function jobCleanupSchedules(): JobSchedule<ReturnType<typeof jobCleanupHandlers>>[] {
  return [{ name: 'jobs.cleanup', cron: JOBS_CLEANUP_CRON, timezone: 'Europe/London', jobName: 'jobs.cleanup', data: {} }];
}
