import type { LanternConfig } from '../config/load.js';
import type { Models } from '../db/models.js';
import { readDirectorySource, syncDirectory } from '../directory/sync.js';
import { removeFinishedJobs } from '../jobs/cleanup.js';
import type { JobRun, JobScheduler } from '../jobs/index.js';
import type { Logger } from '../log/logger.js';
import { agreementJobHandlers, ROLLOVER_CRON, TICK_CRON } from '../agreements/jobs.js';
import { caseJobHandlers } from '../cases/jobs.js';
import { PARENT_REMINDER_CRON, parentJobHandlers, parentReminderSchools } from '../parents/jobs.js';
import { digestJobHandlers, registerDigestSchedules } from '../digest/jobs.js';
import { monitorJobHandlers, registerMonitorSchedules } from '../monitoring/connectors/jobs.js';
import { CLASSROOM_SYNC_CRON, classroomJobHandlers, classroomSyncSchools } from '../google/classroom/jobs.js';

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
    ...agreementJobHandlers(deps),
    ...caseJobHandlers(deps),
    ...parentJobHandlers(deps),
    ...digestJobHandlers(deps),
    ...monitorJobHandlers(deps),
    ...classroomJobHandlers(deps),
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
    scheduler.registerSchedule({ name: `agreements.tick:${school.id}`, cron: TICK_CRON, timezone: school.timezone, jobName: 'agreements.tick', schoolId: school.id, data: { schoolId: school.id } });
    scheduler.registerSchedule({ name: `agreements.rollover:${school.id}`, cron: ROLLOVER_CRON, timezone: school.timezone, jobName: 'agreements.rollover', schoolId: school.id, data: { schoolId: school.id } });
  }
  registerMonitorSchedules(scheduler, config);
  for (const school of parentReminderSchools(config)) {
    scheduler.registerSchedule({ name: `parents.reminders:${school.id}`, cron: PARENT_REMINDER_CRON, timezone: school.timezone, jobName: 'parents.reminders', schoolId: school.id, data: { schoolId: school.id } });
  }
  for (const school of classroomSyncSchools(config)) {
    scheduler.registerSchedule({ name: `classroom.sync:${school.id}`, cron: CLASSROOM_SYNC_CRON, timezone: school.timezone, jobName: 'classroom.sync', schoolId: school.id, data: { schoolId: school.id } });
  }
  scheduler.registerSchedule({ name: 'jobs.cleanup', cron: '30 3 * * *', timezone: 'Europe/London', jobName: 'jobs.cleanup', data: {} });
  scheduler.registerSchedule({ name: 'cases.channel-flush', cron: '*/5 * * * *', timezone: 'Europe/London', jobName: 'cases.channel-flush', data: {} });
  scheduler.registerSchedule({ name: 'cases.intake', cron: '* * * * *', timezone: 'Europe/London', jobName: 'cases.intake', data: {} });
  scheduler.registerSchedule({ name: 'cases.retention', cron: '15 4 * * *', timezone: 'Europe/London', jobName: 'cases.retention', data: {} });
  registerDigestSchedules(scheduler, config);
}
