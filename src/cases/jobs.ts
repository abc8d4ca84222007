import type { LanternConfig } from '../config/load.js';
import type { Models } from '../db/models.js';
import type { JobRun, JobSchedule } from '../jobs/index.js';
import type { Logger } from '../log/logger.js';
import { flushPendingCards } from './channel.js';
import { runEscalation } from './escalation.js';
import { ESCALATE_JOB, type EscalateJobData } from './escalation-queue.js';
import { proactiveSenderFor } from './proactive.js';
import { runRetentionReview } from './retention-job.js';
import { sweepDetections } from './monitoring-adapter.js';

/** What the case jobs use (the server's JobDeps). */
export interface CaseJobDeps {
  config: LanternConfig;
  models: Models;
  logger: Logger;
  clock: () => Date;
}

/** The case capability's background jobs, spread into the server's jobHandlers table. */
export function caseJobHandlers(deps: CaseJobDeps) {
  const base = { config: deps.config, stores: deps.models, sender: proactiveSenderFor(deps.config), clock: deps.clock };
  return {
    /** Escalates one unacknowledged high/critical case to the deputy DSL (enqueued when the case opens). */
    [ESCALATE_JOB]: async (job: JobRun<EscalateJobData>) => runEscalation(job.data, { ...base, logger: deps.logger.child({ job: ESCALATE_JOB }) }),
    /** Posts case cards that could not reach the DSL channel yet. */
    'cases.channel-flush': async () => flushPendingCards({ ...base, log: deps.logger.child({ job: 'cases.channel-flush' }) }),
    /** Opens or joins cases for stored detections at or above each school's threshold. */
    'cases.intake': async () => sweepDetections({ ...base, models: deps.models, log: deps.logger.child({ job: 'cases.intake' }) }),
    /** Deletes or anonymises closed cases past their retention date and not on legal hold. */
    'cases.retention': async () => runRetentionReview({ stores: deps.models, config: deps.config, clock: deps.clock, logger: deps.logger.child({ job: 'cases.retention' }) }),
  } as const;
}

/** The case jobs' schedules: channel flush every five minutes, intake every minute, retention nightly. */
export function caseSchedules(): JobSchedule<ReturnType<typeof caseJobHandlers>>[] {
  return [
    { name: 'cases.channel-flush', cron: '*/5 * * * *', timezone: 'Europe/London', jobName: 'cases.channel-flush', data: {} },
    { name: 'cases.intake', cron: '* * * * *', timezone: 'Europe/London', jobName: 'cases.intake', data: {} },
    { name: 'cases.retention', cron: '15 4 * * *', timezone: 'Europe/London', jobName: 'cases.retention', data: {} },
  ];
}
