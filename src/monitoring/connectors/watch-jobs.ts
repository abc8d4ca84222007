import type { LanternConfig } from '../../config/load.js';
import type { JobContext, JobRun, JobScheduler } from '../../jobs/index.js';
import type { JobDeps, LanternJobHandlers } from '../../server/jobs.js';
import { renewWatchChannels } from '../../google/reports/watch-channels.js';

/** Every 30 minutes: well inside the default two-hour renewal margin, so one failed pass loses no notifications. */
export const WATCH_RENEW_CRON = '*/30 * * * *';

/** The push-channel job, spread into src/server/jobs.ts. */
export function watchJobHandlers(deps: JobDeps) {
  return {
    /** Starts, renews and stops a school's Reports API push channels (B1). */
    'monitor.watch': async (job: JobRun<{ schoolId: string }>, ctx: JobContext) => renewWatchChannels({ ...deps, logger: ctx.logger }, job.data.schoolId),
  };
}

/** One renewal schedule per school with Google audit-log credentials (a school that turned push off gets its channels stopped). */
export function registerWatchSchedules(scheduler: JobScheduler<LanternJobHandlers>, config: LanternConfig): void {
  for (const school of config.schools) {
    if (!config.monitoring.google[school.id]) continue;
    scheduler.registerSchedule({ name: `monitor.watch:${school.id}`, cron: WATCH_RENEW_CRON, timezone: school.timezone, jobName: 'monitor.watch', schoolId: school.id, data: { schoolId: school.id } });
  }
}
