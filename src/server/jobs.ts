import type { LanternConfig } from '../config/load.js';
import type { Models } from '../db/models.js';
import { readDirectorySource, syncDirectory } from '../directory/sync.js';
import { removeFinishedJobs } from '../jobs/cleanup.js';
import type { JobRun, JobScheduler } from '../jobs/index.js';
import type { Logger } from '../log/logger.js';

/** What job handlers may use. */
export interface JobDeps {
  config: LanternConfig;
  models: Models;
  logger: Logger;
  clock: () => Date;
}

/**
 * Every background job Lantern runs, by name. A capability adds its handlers here (spread its own table),
 * and the runner refuses to enqueue a name that is not in this table.
 */
export function jobHandlers(deps: JobDeps) {
  return {
    /** Re-reads a school's directory source (demo or CSV) and syncs it. */
    'directory.sync': async (job: JobRun<{ schoolId: string }>) => {
      const school = deps.config.schools.find((s) => s.id === job.data.schoolId);
      if (!school) return { skipped: 'school no longer configured' };
      return syncDirectory(deps.models.people, school.id, readDirectorySource(school));
    },
    /** Removes finished jobs past their retention. */
    'jobs.cleanup': async () => ({ removed: await removeFinishedJobs(deps.models, deps.clock()) }),
  };
}

export type LanternJobHandlers = ReturnType<typeof jobHandlers>;

/** Registers the recurring schedules: each school's nightly directory sync and the daily job clean-up. */
export function registerSchedules(scheduler: JobScheduler<LanternJobHandlers>, config: LanternConfig): void {
  for (const school of config.schools) {
    scheduler.registerSchedule({
      name: `directory.sync:${school.id}`,
      cron: '0 2 * * *',
      timezone: school.timezone,
      jobName: 'directory.sync',
      schoolId: school.id,
      data: { schoolId: school.id },
    });
  }
  scheduler.registerSchedule({ name: 'jobs.cleanup', cron: '30 3 * * *', timezone: 'Europe/London', jobName: 'jobs.cleanup', data: {} });
}
