import type { LanternConfig } from '../config/load.js';
import type { JobDeps, JobRun, JobSchedule } from '../jobs/index.js';
import { createMailTransport } from '../mail/index.js';
import { sendDueReminders } from './invite.js';
import type { ParentMailSender } from './mailer.js';
import type { WithdrawalNoticeSender } from './ports.js';
import { sendWithdrawalNotices } from './withdrawal-notices.js';

/** When the reminder job runs: 09:00 on weekdays, in the school's time zone. */
export const PARENT_REMINDER_CRON = '0 9 * * 1-5';

/** When withdrawal notices go: every 10 minutes, so the class teacher and office hear the same day. */
export const WITHDRAWAL_NOTICE_CRON = '*/10 * * * *';

/** The background jobs of parent consent: the daily reminder run and withdrawal notices. `sender` overrides the configured transport (tests). */
export function parentJobHandlers(deps: JobDeps & { withdrawalNotices: WithdrawalNoticeSender }, sender?: ParentMailSender) {
  return {
    /** Tells the class teacher (Teams) and the office (email) of each consent a parent withdrew, once each. */
    'parents.withdrawal-notices': async (job: JobRun<{ schoolId: string }>) => {
      const school = deps.config.schools.find((s) => s.id === job.data.schoolId);
      if (!school) return { skipped: 'school no longer configured' };
      const mail = school.parents?.sender && school.parents.officeEmail ? (sender ?? createMailTransport(school.parents.transport, deps.config.mail)) : null;
      return sendWithdrawalNotices(deps.models, school, { teams: deps.withdrawalNotices, mail }, deps.clock(), deps.logger.child({ schoolId: school.id, job: 'parents.withdrawal-notices' }));
    },
    /** Emails a reminder, with a fresh link, to parents who have not answered a consent round after N days. */
    'parents.reminders': async (job: JobRun<{ schoolId: string }>) => {
      const school = deps.config.schools.find((s) => s.id === job.data.schoolId);
      if (!school?.parents?.sender) return { skipped: 'parents.sender is not configured' };
      if (!deps.config.server.publicUrl) return { skipped: 'server.publicUrl is not configured' };
      const transport = sender ?? createMailTransport(school.parents.transport, deps.config.mail);
      return sendDueReminders(deps.models, transport, school, deps.config.server.publicUrl, deps.clock(), deps.logger.child({ schoolId: school.id, job: 'parents.reminders' }));
    },
  };
}

/** The schools whose parent reminders should be scheduled (those that send parent emails). */
export function parentReminderSchools(config: LanternConfig): { id: string; timezone: string }[] {
  return config.schools.filter((s) => s.parents?.sender).map((s) => ({ id: s.id, timezone: s.timezone }));
}

/** The daily reminder run of each school that sends parent emails, and each parent-consent school's withdrawal notices. */
export function parentSchedules(config: LanternConfig): JobSchedule<ReturnType<typeof parentJobHandlers>>[] {
  return [
    ...parentReminderSchools(config).map((school) => ({ name: `parents.reminders:${school.id}`, cron: PARENT_REMINDER_CRON, timezone: school.timezone, jobName: 'parents.reminders' as const, schoolId: school.id, data: { schoolId: school.id } })),
    ...config.schools.filter((s) => s.parents).map((school) => ({ name: `parents.withdrawal-notices:${school.id}`, cron: WITHDRAWAL_NOTICE_CRON, timezone: school.timezone, jobName: 'parents.withdrawal-notices' as const, schoolId: school.id, data: { schoolId: school.id } })),
  ];
}
