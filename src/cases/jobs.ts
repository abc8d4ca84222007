import type { LanternConfig } from '../config/load.js';
import type { Models } from '../stores.js';
import type { JobRun, JobSchedule } from '../jobs/index.js';
import type { Logger } from '../log/logger.js';
import { runEscalation } from './escalation.js';
import { ESCALATE_JOB, type EscalateJobData } from './escalation-queue.js';
import { IT_MAIL_JOB, sendItMail, type ItMailJobData } from './it-mail.js';
import type { CaseNotifier } from './ports.js';
import { runRetentionReview } from './retention-job.js';
import { sweepDetections } from './monitoring-adapter.js';
import { createMailTransport } from '../mail/index.js';
import { runBreachNotices, type BreachMailSender } from './breach-notify.js';

/** What the case jobs use (the server's JobDeps): the notifier is the Teams edge, injected by start-up. */
export interface CaseJobDeps {
  config: LanternConfig;
  models: Models;
  logger: Logger;
  clock: () => Date;
  caseNotifier: CaseNotifier;
}

/** The case capability's background jobs, spread into the server's jobHandlers table. `dpoMail` overrides the configured transport (tests). */
export function caseJobHandlers(deps: CaseJobDeps, dpoMail?: BreachMailSender) {
  const base = { config: deps.config, stores: deps.models, notifier: deps.caseNotifier, clock: deps.clock };
  return {
    /** Escalates one unacknowledged high/critical case to the deputy DSL (enqueued when the case opens). */
    [ESCALATE_JOB]: async (job: JobRun<EscalateJobData>) => runEscalation(job.data, { ...base, logger: deps.logger.child({ job: ESCALATE_JOB }) }),
    /** Emails the IT team about a new IT matter (when schools[].it.email is set). */
    [IT_MAIL_JOB]: async (job: JobRun<ItMailJobData>) => sendItMail(job.data, { config: deps.config, stores: deps.models }),
    /** Posts case cards that could not reach the DSL channel yet. */
    'cases.channel-flush': async () => deps.caseNotifier.flushPending(),
    /** Opens or joins cases for stored detections at or above each school's threshold. */
    'cases.intake': async () => sweepDetections({ ...base, models: deps.models, log: deps.logger.child({ job: 'cases.intake' }) }),
    /** Emails each school's DPO about undecided possible breaches: at once, then at 48 and 66 hours. */
    'cases.breach-notices': async () =>
      runBreachNotices({
        ...base, stores: deps.models, logger: deps.logger.child({ job: 'cases.breach-notices' }),
        mailFor: (school) => dpoMail ?? createMailTransport(school.dpo?.transport ?? 'gmail', deps.config.mail),
      }),
    /** Deletes or anonymises closed cases past their retention date and not on legal hold. */
    'cases.retention': async () => runRetentionReview({ stores: deps.models, config: deps.config, clock: deps.clock, logger: deps.logger.child({ job: 'cases.retention' }) }),
  } as const;
}

/** The case jobs' schedules: channel flush and the DPO's breach emails every five minutes, intake every minute, retention nightly. */
export function caseSchedules(): JobSchedule<ReturnType<typeof caseJobHandlers>>[] {
  return [
    { name: 'cases.channel-flush', cron: '*/5 * * * *', timezone: 'Europe/London', jobName: 'cases.channel-flush', data: {} },
    { name: 'cases.breach-notices', cron: '*/5 * * * *', timezone: 'Europe/London', jobName: 'cases.breach-notices', data: {} },
    { name: 'cases.intake', cron: '* * * * *', timezone: 'Europe/London', jobName: 'cases.intake', data: {} },
    { name: 'cases.retention', cron: '15 4 * * *', timezone: 'Europe/London', jobName: 'cases.retention', data: {} },
  ];
}
