import type { LanternConfig } from '../config/load.js';
import type { JobContext, JobDeps, JobRun, JobSchedule } from '../jobs/index.js';
import { runDirectorySync } from './run-sync.js';

/** Daily at 02:00 school time: quiet, and before the agreements tick and the morning's sends. */
export const DIRECTORY_SYNC_CRON = '0 2 * * *';

/** The directory job, registered by start-up (src/server/jobs.ts). */
export function directoryJobHandlers(deps: JobDeps) {
  return {
    /** Re-reads a school's directory source (demo, CSV, Google or Entra) and syncs it; a failing source leaves the directory as it was. */
    'directory.sync': async (job: JobRun<{ schoolId: string }>, ctx: JobContext) => {
      if (!deps.config.schools.some((s) => s.id === job.data.schoolId)) return { skipped: 'school no longer configured' };
      const { schoolId: _schoolId, ...summary } = await runDirectorySync({ ...deps, logger: ctx.logger }, job.data.schoolId, { signal: ctx.signal });
      // `upserted` (everyone the source listed) keeps the result shape the job had before the remote sources.
      return { ...summary, upserted: summary.added + summary.updated + summary.unchanged + summary.reactivated };
    },
  };
}

/** Each school's daily directory sync. */
export function directorySchedules(config: LanternConfig): JobSchedule<ReturnType<typeof directoryJobHandlers>>[] {
  return config.schools.map((school) => ({ name: `directory.sync:${school.id}`, cron: DIRECTORY_SYNC_CRON, timezone: school.timezone, jobName: 'directory.sync', schoolId: school.id, data: { schoolId: school.id } }));
}
