import type { LanternConfig } from '../config/load.js';
import type { Models } from '../stores.js';
import { directoryJobHandlers, registerDirectorySchedules } from '../directory/jobs.js';
import { registerWatchSchedules, watchJobHandlers } from '../monitoring/connectors/watch-jobs.js';
import { removeFinishedJobs } from '../jobs/cleanup.js';
import type { JobScheduler } from '../jobs/index.js';
import type { AgreementCardSender } from '../agreements/ports.js';
import type { CaseNotifier } from '../cases/ports.js';
import type { DigestCardPoster } from '../digest/ports.js';
import type { Logger } from '../log/logger.js';
import { agreementJobHandlers, rolloverCron, TICK_CRON } from '../agreements/jobs.js';
import { caseJobHandlers } from '../cases/jobs.js';
import { PARENT_REMINDER_CRON, parentJobHandlers, parentReminderSchools } from '../parents/jobs.js';
import { digestJobHandlers, registerDigestSchedules } from '../digest/jobs.js';
import { monitorJobHandlers, registerMonitorSchedules } from '../monitoring/connectors/jobs.js';
import { MONITOR_CLEANUP_CRON, monitorCleanupJobHandlers } from '../monitoring/cleanup.js';
import { CLASSROOM_SYNC_CRON, classroomJobHandlers, classroomSyncSchools } from '../google/classroom/jobs.js';
import { auditClientFactories } from './audit-clients.js';

/** What job handlers may use. */
export interface JobDeps {
  config: LanternConfig;
  models: Models;
  logger: Logger;
  clock: () => Date;
}

/** The ports the edges implement for the capabilities' jobs (the Teams edge: src/teams/edge.ts). */
export interface JobPorts {
  caseNotifier: CaseNotifier;
  digestCards: DigestCardPoster;
  agreementCards: AgreementCardSender;
}

/**
 * Every background job Lantern runs, by name. A capability adds its handlers here (spread its own table),
 * and the runner refuses to enqueue a name that is not in this table.
 */
export function jobHandlers(deps: JobDeps & JobPorts) {
  const auditClients = auditClientFactories(deps.config);
  return {
    ...directoryJobHandlers(deps),
    /** Removes finished jobs past their retention. */
    'jobs.cleanup': async () => ({ removed: await removeFinishedJobs(deps.models, deps.clock()) }),
    ...agreementJobHandlers(deps),
    ...caseJobHandlers(deps),
    ...parentJobHandlers(deps),
    ...digestJobHandlers(deps),
    ...monitorJobHandlers(deps, auditClients),
    ...watchJobHandlers(deps),
    ...monitorCleanupJobHandlers(deps, auditClients),
    ...classroomJobHandlers(deps),
  };
}

export type LanternJobHandlers = ReturnType<typeof jobHandlers>;

/** Registers the recurring schedules: each school's nightly directory sync and the daily job clean-up. */
export function registerSchedules(scheduler: JobScheduler<LanternJobHandlers>, config: LanternConfig): void {
  registerDirectorySchedules(scheduler, config);
  registerWatchSchedules(scheduler, config);
  for (const school of config.schools) {
    scheduler.registerSchedule({ name: `agreements.tick:${school.id}`, cron: TICK_CRON, timezone: school.timezone, jobName: 'agreements.tick', schoolId: school.id, data: { schoolId: school.id } });
    scheduler.registerSchedule({ name: `agreements.rollover:${school.id}`, cron: rolloverCron(school), timezone: school.timezone, jobName: 'agreements.rollover', schoolId: school.id, data: { schoolId: school.id } });
  }
  registerMonitorSchedules(scheduler, config);
  scheduler.registerSchedule({ name: 'monitor.cleanup', cron: MONITOR_CLEANUP_CRON, timezone: 'Europe/London', jobName: 'monitor.cleanup', data: {} });
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
