import type { JobFenceModel, JobModel } from './job-model.js';

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
