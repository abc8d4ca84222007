import type { LanternConfig } from '../config/load.js';
import { directoryJobHandlers, directorySchedules } from '../directory/jobs.js';
import { watchJobHandlers, watchSchedules } from '../monitoring/connectors/watch-jobs.js';
import { jobCleanupHandlers, jobCleanupSchedules } from '../jobs/cleanup.js';
import type { JobDeps, JobSchedule, JobScheduler } from '../jobs/index.js';
import { agreementJobHandlers, agreementSchedules } from '../agreements/jobs.js';
import { caseJobHandlers, caseSchedules } from '../cases/jobs.js';
import { parentJobHandlers, parentSchedules } from '../parents/jobs.js';
import { digestJobHandlers, digestSchedules } from '../digest/jobs.js';
import { monitorJobHandlers, monitorSchedules } from '../monitoring/connectors/jobs.js';
import { monitorCleanupJobHandlers, monitorCleanupSchedules } from '../monitoring/cleanup.js';
import { classroomJobHandlers, classroomSchedules } from '../google/classroom/jobs.js';
import type { AgreementCardSender } from '../agreements/ports.js';
import type { CaseNotifier } from '../cases/ports.js';
import type { DigestCardPoster } from '../digest/ports.js';
import { recordsJobHandlers, recordsSchedules } from '../records/jobs.js';
import type { TrainingReminderSender } from '../records/ports.js';
import type { WithdrawalNoticeSender } from '../parents/ports.js';
import { auditClientFactories } from './audit-clients.js';

/** The ports the edges implement for the capabilities' jobs (the Teams edge: src/teams/edge.ts). */
export interface JobPorts {
  caseNotifier: CaseNotifier;
  digestCards: DigestCardPoster;
  agreementCards: AgreementCardSender;
  trainingReminders: TrainingReminderSender;
  withdrawalNotices: WithdrawalNoticeSender;
}

/**
 * Every background job Lantern runs, by name. A capability adds its handlers here (spread its own table),
 * and the runner refuses to enqueue a name that is not in this table.
 */
export function jobHandlers(deps: JobDeps & JobPorts) {
  const auditClients = auditClientFactories(deps.config);
  return {
    ...directoryJobHandlers(deps),
    ...jobCleanupHandlers(deps),
    ...agreementJobHandlers(deps),
    ...caseJobHandlers(deps),
    ...parentJobHandlers(deps),
    ...digestJobHandlers(deps),
    ...monitorJobHandlers(deps, auditClients),
    ...watchJobHandlers(deps),
    ...monitorCleanupJobHandlers(deps, auditClients),
    ...classroomJobHandlers(deps),
    ...recordsJobHandlers(deps),
  };
}

export type LanternJobHandlers = ReturnType<typeof jobHandlers>;

/** Every recurring schedule, composed from each capability's own list (start-up's daily job clean-up included). */
export function lanternSchedules(config: LanternConfig): JobSchedule<LanternJobHandlers>[] {
  return [
    ...directorySchedules(config),
    ...watchSchedules(config),
    ...agreementSchedules(config),
    ...monitorSchedules(config),
    ...monitorCleanupSchedules(),
    ...parentSchedules(config),
    ...classroomSchedules(config),
    ...jobCleanupSchedules(),
    ...caseSchedules(),
    ...digestSchedules(config),
    ...recordsSchedules(config),
  ];
}

/** Registers every recurring schedule on the scheduler. */
export function registerSchedules(scheduler: JobScheduler<LanternJobHandlers>, config: LanternConfig): void {
  for (const schedule of lanternSchedules(config)) scheduler.registerSchedule(schedule);
}
