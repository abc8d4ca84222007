import { CloudAdapter } from '@microsoft/agents-hosting';
import type { LanternConfig } from '../config/load.js';
import type { JobContext, JobDeps, JobRun, JobSchedule } from '../jobs/index.js';
import { botAuthConfiguration } from '../teams/bot.js';
import { rolloverCron } from './academic-year.js';
import { rollOverYearlyAgreements } from './rollover.js';
import { queueCampaignFollowUps } from './reminders.js';
import { processSendDeps } from './send-deps.js';
import { workSendQueue, type SendQueueDeps } from './send-queue.js';
import { deliverQuestion } from './teams/deliver.js';

function queueDeps(deps: JobDeps, adapter: CloudAdapter): SendQueueDeps {
  return processSendDeps(deps, () => adapter);
}

/** The agreement jobs, registered by start-up (src/server/jobs.ts). */
export function agreementJobHandlers(deps: JobDeps) {
  let adapter: CloudAdapter | undefined;
  const getAdapter = () => (adapter ??= new CloudAdapter(botAuthConfiguration(deps.config)));
  return {
    /** Sends a campaign's queued cards (enqueued when a campaign is issued). */
    'agreements.send': async (job: JobRun<{ schoolId: string; campaignId?: string }>, ctx: JobContext) =>
      workSendQueue(queueDeps(deps, getAdapter()), { schoolId: job.data.schoolId, ...(job.data.campaignId ? { campaignId: job.data.campaignId } : {}) }, {
        signal: ctx.signal,
        extendLease: ctx.extendLease,
        waitForRetriesMs: 30_000,
      }),
    /** Every few minutes: new joiners, reminders, escalations, undelivered questions, then the queue. */
    'agreements.tick': async (job: JobRun<{ schoolId: string }>, ctx: JobContext) => {
      const followUps = await queueCampaignFollowUps(deps.models, job.data.schoolId, deps.clock());
      const undelivered = await deps.models.agreementQuestions.find({ schoolId: job.data.schoolId, delivered: false }).limit(50).lean();
      let questions = 0;
      for (const q of undelivered) if (await deliverQuestion({ adapter: getAdapter(), config: deps.config, models: deps.models, log: ctx.logger }, q._id)) questions += 1;
      const sent = await workSendQueue(queueDeps(deps, getAdapter()), { schoolId: job.data.schoolId }, { signal: ctx.signal, extendLease: ctx.extendLease });
      return { ...followUps, questions, ...sent };
    },
    /** On the academic-year roll-over: re-issues every yearly agreement that has an open campaign. */
    'agreements.rollover': async (job: JobRun<{ schoolId: string }>) => rollOverYearlyAgreements(deps.models, job.data.schoolId, deps.clock()),
  };
}

/** Cron of the academic-year roll-over: 06:00 school time on the school's `agreements.academicYearStart` (default 1 September). */
export { rolloverCron };
/** Cron of the follow-up tick: every five minutes. */
export const TICK_CRON = '*/5 * * * *';

/** Each school's follow-up tick and its academic-year roll-over. */
export function agreementSchedules(config: LanternConfig): JobSchedule<ReturnType<typeof agreementJobHandlers>>[] {
  return config.schools.flatMap((school) => [
    { name: `agreements.tick:${school.id}`, cron: TICK_CRON, timezone: school.timezone, jobName: 'agreements.tick' as const, schoolId: school.id, data: { schoolId: school.id } },
    { name: `agreements.rollover:${school.id}`, cron: rolloverCron(school), timezone: school.timezone, jobName: 'agreements.rollover' as const, schoolId: school.id, data: { schoolId: school.id } },
  ]);
}
