import type { LanternConfig } from '../config/load.js';
import type { JobContext, JobRun, JobScheduler } from '../jobs/index.js';
import type { JobDeps, LanternJobHandlers } from '../server/jobs.js';
import { runDirectorySync } from './run-sync.js';

/** Daily at 02:00 school time: quiet, and before the agreements tick and the morning's sends. */
export const DIRECTORY_SYNC_CRON = '0 2 * * *';

/** The directory job, spread into src/server/jobs.ts. */
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

/** Registers each school's daily directory sync. */
export function registerDirectorySchedules(scheduler: JobScheduler<LanternJobHandlers>, config: LanternConfig): void {
  for (const school of config.schools) {
    scheduler.registerSchedule({ name: `directory.sync:${school.id}`, cron: DIRECTORY_SYNC_CRON, timezone: school.timezone, jobName: 'directory.sync', schoolId: school.id, data: { schoolId: school.id } });
  }
}
