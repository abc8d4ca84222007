import type { LanternConfig } from '../../config/load.js';
import type { JobContext, JobDeps, JobRun, JobSchedule } from '../../jobs/index.js';
import { renewWatchChannels } from '../../google/reports/watch-channels.js';

/** Every 30 minutes: well inside the default two-hour renewal margin, so one failed pass loses no notifications. */
export const WATCH_RENEW_CRON = '*/30 * * * *';

/** The push-channel job, registered by start-up (src/server/jobs.ts). */
export function watchJobHandlers(deps: JobDeps) {
  return {
    /** Starts, renews and stops a school's Reports API push channels (B1). */
    'monitor.watch': async (job: JobRun<{ schoolId: string }>, ctx: JobContext) => renewWatchChannels({ ...deps, logger: ctx.logger }, job.data.schoolId),
  };
}

/** One renewal schedule per school with Google audit-log credentials (a school that turned push off gets its channels stopped). */
export function watchSchedules(config: LanternConfig): JobSchedule<ReturnType<typeof watchJobHandlers>>[] {
  return config.schools
    .filter((school) => config.monitoring.google[school.id])
    .map((school) => ({ name: `monitor.watch:${school.id}`, cron: WATCH_RENEW_CRON, timezone: school.timezone, jobName: 'monitor.watch', schoolId: school.id, data: { schoolId: school.id } }));
}
