import { CloudAdapter } from '@microsoft/agents-hosting';
import type { JobRun } from '../jobs/index.js';
import type { JobContext } from '../jobs/runner.js';
import type { JobDeps } from '../server/jobs.js';
import { botAuthConfiguration } from '../teams/adapter.js';
import { rollOverYearlyAgreements } from './rollover.js';
import { queueCampaignFollowUps } from './reminders.js';
import { processSendDeps } from '../teams/send/deps.js';
import { workSendQueue, type SendQueueDeps } from '../teams/send/queue.js';
import { deliverQuestion } from '../teams/agreements/deliver.js';

function queueDeps(deps: JobDeps, adapter: CloudAdapter): SendQueueDeps {
  return processSendDeps(deps, () => adapter);
}

/** The agreement jobs, spread into src/server/jobs.ts. */
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
export { rolloverCron } from './academic-year.js';
/** Cron of the follow-up tick: every five minutes. */
export const TICK_CRON = '*/5 * * * *';
