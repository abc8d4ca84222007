import type { LanternConfig } from '../config/load.js';
import type { Logger } from '../log/logger.js';
import { JobRunner, type JobStores } from '../jobs/index.js';
import type { MailTransport } from '../mail/index.js';
import type { Severity } from './case-model.js';
import { loadItMatter } from './it-matters.js';
import { formatWhen, SEVERITY_LABEL } from './labels.js';
import { sendNotice } from './notice-mail.js';
import type { CaseStores } from './store.js';

/** The job that emails the IT team (`schools[].it.email`) about one new IT matter; a failed send is retried by the runner. */
export const IT_MAIL_JOB = 'cases.it-mail';

/** What the IT mail job is given. */
export interface ItMailJobData {
  schoolId: string;
  matterId: string;
}

/** Enqueues the notice of a new IT matter when the school has an IT address; once per matter (idempotent key). */
export async function enqueueItMail(stores: JobStores, school: { id: string; it?: { email?: string | undefined } | undefined }, matterId: string, now: Date, logger: Logger): Promise<boolean> {
  if (!school.it?.email) return false;
  const runner = new JobRunner({ models: stores, handlers: { [IT_MAIL_JOB]: async () => undefined }, clock: () => new Date(), logger, instanceId: 'cases-enqueue' });
  await runner.enqueue(IT_MAIL_JOB, { key: `${school.id}:${matterId}`, schoolId: school.id, data: { schoolId: school.id, matterId } satisfies ItMailJobData, runAt: now });
  return true;
}

/**
 * Emails the IT team a short notice of a new IT matter: its number, family, severity and a dashboard link;
 * never a name, an account or a file. Throws when the send fails, so the job runner tries again.
 */
export async function sendItMail(data: ItMailJobData, deps: { config: LanternConfig; stores: CaseStores; mailTransport?: MailTransport }): Promise<Record<string, unknown>> {
  const school = deps.config.schools.find((s) => s.id === data.schoolId);
  const to = school?.it?.email;
  if (!school || !to) return { skipped: 'no IT address configured' };
  const matter = await loadItMatter(deps.stores, school.id, data.matterId);
  if (!matter) return { skipped: 'no such IT matter' };
  const severity = SEVERITY_LABEL[matter.severity as Severity] ?? matter.severity;
  const base = deps.config.server.publicUrl?.replace(/\/$/, '');
  await sendNotice(deps.config, school, {
    to,
    subject: `New IT matter ${matter.number}: ${matter.family} (${severity.toLowerCase()})`,
    lines: [
      `Lantern opened IT matter ${matter.number} at ${formatWhen(matter.openedAt, school.timezone)}.`,
      '',
      `Kind of alert: ${matter.family}`,
      `Severity: ${severity}`,
      '',
      base ? `Open it in the IT view: ${base}/dashboard/${school.id}/it/${matter.number}` : 'Open it in the IT view of the Lantern dashboard.',
      'If it involves a child, send it to the DSL from there.',
    ],
  }, deps.mailTransport);
  return { sent: matter.number };
}
