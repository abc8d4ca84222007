import os from 'node:os';
import { CloudAdapter } from '@microsoft/agents-hosting';
import type { JobRun } from '../jobs/index.js';
import type { JobContext } from '../jobs/runner.js';
import type { JobDeps } from '../server/jobs.js';
import { botAuthConfiguration } from '../teams/bot.js';
import { rollOverYearlyAgreements } from './rollover.js';
import { RateLimiter } from './rate-limit.js';
import { queueCampaignFollowUps } from './reminders.js';
import { workSendQueue, type SendQueueDeps } from './send-queue.js';
import { deliverQuestion } from './teams/deliver.js';
import { sendToConversation } from './teams/proactive.js';

/** One limiter per process: Teams' per-tenant limit covers every campaign this instance sends. */
const limiter = new RateLimiter();

function queueDeps(deps: JobDeps, adapter: CloudAdapter): SendQueueDeps {
  return {
    models: deps.models,
    config: deps.config,
    logger: deps.logger,
    clock: deps.clock,
    limiter,
    workerId: `${os.hostname()}:${process.pid}`,
    transport: async (reference, activity) => {
      await sendToConversation(adapter, deps.config, reference, activity);
    },
  };
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

/** Cron of the academic-year roll-over: 06:00 on 1 September, school time. */
export const ROLLOVER_CRON = '0 6 1 9 *';
/** Cron of the follow-up tick: every five minutes. */
export const TICK_CRON = '*/5 * * * *';
