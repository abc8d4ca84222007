import type { LanternConfig } from '../config/load.js';
import type { JobContext, JobDeps, JobRun, JobSchedule } from '../jobs/index.js';
import { calendarOf, rolloverCron } from './academic-year.js';
import type { AgreementCardSender } from './ports.js';
import { rollOverYearlyAgreements } from './rollover.js';
import { queueCampaignFollowUps } from './reminders.js';

/** The agreement jobs, spread into src/server/jobs.ts; `agreementCards` is the Teams edge, injected by start-up. */
export function agreementJobHandlers(deps: JobDeps & { agreementCards: AgreementCardSender }) {
  const cards = deps.agreementCards;
  // The school's calendar from the one config: a job for a school no longer configured does nothing.
  const calendarFor = (schoolId: string) => {
    const school = deps.config.schools.find((s) => s.id === schoolId);
    return school ? calendarOf(school) : undefined;
  };
  return {
    /** Sends a campaign's queued cards (enqueued when a campaign is issued). */
    'agreements.send': async (job: JobRun<{ schoolId: string; campaignId?: string }>, ctx: JobContext) =>
      cards.sendQueued({ schoolId: job.data.schoolId, ...(job.data.campaignId ? { campaignId: job.data.campaignId } : {}) }, {
        signal: ctx.signal,
        extendLease: ctx.extendLease,
        waitForRetriesMs: 30_000,
      }),
    /** Every few minutes: new joiners, reminders, escalations, undelivered questions, then the queue. */
    'agreements.tick': async (job: JobRun<{ schoolId: string }>, ctx: JobContext) => {
      const calendar = calendarFor(job.data.schoolId);
      if (!calendar) return { skipped: 'school no longer configured' };
      const followUps = await queueCampaignFollowUps(deps.models, job.data.schoolId, deps.clock(), calendar);
      const undelivered = await deps.models.agreementQuestions.find({ schoolId: job.data.schoolId, delivered: false }).limit(50).lean();
      let questions = 0;
      for (const q of undelivered) if (await cards.deliverQuestion(q._id, ctx.logger)) questions += 1;
      const sent = await cards.sendQueued({ schoolId: job.data.schoolId }, { signal: ctx.signal, extendLease: ctx.extendLease });
      return { ...followUps, questions, ...sent };
    },
    /** On the academic-year roll-over: re-issues every yearly agreement that has an open campaign. */
    'agreements.rollover': async (job: JobRun<{ schoolId: string }>) => {
      const calendar = calendarFor(job.data.schoolId);
      return calendar ? rollOverYearlyAgreements(deps.models, job.data.schoolId, deps.clock(), calendar) : { skipped: 'school no longer configured' };
    },
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
