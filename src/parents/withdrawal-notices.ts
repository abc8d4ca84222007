import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { School } from '../config/load.js';
import { isDuplicateKey } from '../db/errors.js';
import type { Person } from '../directory/person.js';
import type { Logger } from '../log/logger.js';
import type { Models } from '../stores.js';
import type { ConsentRecord } from './consent-model.js';
import { consentLabel } from './consent-types.js';
import type { ParentMailSender } from './mailer.js';
import type { WithdrawalNoticeSender } from './ports.js';

/** How far back a run looks for withdrawals: a day, so a run missed (a restart) still tells people the same day. */
const LOOK_BACK_MS = 86_400_000;

/** The stores a withdrawal notice run reads and writes. */
export type WithdrawalNoticeStores = Pick<Models, 'parentConsents' | 'parentWithdrawalNotices' | 'people'>;

/** Where notices go: the Teams edge for class teachers, and the school's mail transport for the office (when set up). */
export interface WithdrawalNoticeChannels {
  teams: WithdrawalNoticeSender;
  mail: ParentMailSender | null;
}

/** Claims one notice; false when it was already claimed (sent, or being sent by another run). */
async function claim(stores: WithdrawalNoticeStores, record: ConsentRecord, recipient: string, now: Date): Promise<string | null> {
  const _id = `${record.schoolId}:${record.pupilId}:${record.kind}:${record.seq}:${recipient}`;
  try {
    await stores.parentWithdrawalNotices.create({ _id, schoolId: record.schoolId, pupilId: record.pupilId, kind: record.kind, seq: record.seq, recipient, status: 'claimed', claimedAt: now });
    return _id;
  } catch (err) {
    if (isDuplicateKey(err)) return null;
    throw err;
  }
}

/** The office email: the child, their class and what was withdrawn, in plain words. */
export async function composeOfficeNotice(opts: { from: string; to: string; schoolName: string; pupil: Person; what: string; at: Date; timezone: string }): Promise<Buffer> {
  const when = opts.at.toLocaleString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', timeZone: opts.timezone });
  const form = opts.pupil.form ? ` (${opts.pupil.form})` : '';
  const text = [
    `A parent has withdrawn consent for ${opts.pupil.displayName}${form}.`,
    '',
    `Withdrawn: ${opts.what}`,
    `When: ${when}`,
    '',
    'Please update any lists you keep, such as who may not appear in photos. The class teacher has been told in Teams.',
    '',
    opts.schoolName,
  ].join('\n');
  return new MailComposer({ from: opts.from, to: opts.to, subject: `Consent withdrawn for ${opts.pupil.displayName}${form}`, text }).compile().build();
}

/**
 * Tells the class teacher (Teams) and the office (email) of each withdrawal recorded in the last day. Each
 * notice is claimed by a unique insert before it is sent, so re-runs and a second instance send it exactly once;
 * a send that fails is released for the next run.
 */
export async function sendWithdrawalNotices(
  stores: WithdrawalNoticeStores,
  school: School,
  channels: WithdrawalNoticeChannels,
  now: Date,
  log: Logger,
): Promise<{ teachers: number; notInstalled: number; office: number; failed: number }> {
  const counts = { teachers: 0, notInstalled: 0, office: 0, failed: 0 };
  const withdrawals = await stores.parentConsents.find({ schoolId: school.id, decision: 'withdrawn', at: { $gte: new Date(now.getTime() - LOOK_BACK_MS) } }).lean<ConsentRecord[]>();
  if (withdrawals.length === 0) return counts;
  const office = school.parents?.officeEmail;
  const sender = school.parents?.sender;
  for (const record of withdrawals) {
    const pupil = await stores.people.findOne({ schoolId: school.id, personId: record.pupilId }).lean<Person>();
    if (!pupil) continue;
    const what = consentLabel(school, record.kind);
    const teachers = pupil.form ? await stores.people.find({ schoolId: school.id, role: 'staff', active: true, formsTaught: pupil.form }).lean<Person[]>() : [];
    const deliveries: { recipient: string; send: () => Promise<'sent' | 'not-installed'> }[] = teachers.map((t) => ({
      recipient: `teacher:${t.personId}`,
      send: () => channels.teams.tellTeacher({ schoolId: school.id, teacherId: t.personId, pupilName: pupil.displayName, form: pupil.form ?? '', what, at: record.at }),
    }));
    if (office && sender && channels.mail) {
      const mail = channels.mail;
      deliveries.push({
        recipient: 'office',
        send: async () => {
          await mail.send(await composeOfficeNotice({ from: sender, to: office, schoolName: school.name, pupil, what, at: record.at, timezone: school.timezone }), sender);
          return 'sent';
        },
      });
    }
    for (const d of deliveries) {
      const id = await claim(stores, record, d.recipient, now);
      if (!id) continue;
      try {
        const status = await d.send();
        await stores.parentWithdrawalNotices.updateOne({ _id: id }, { $set: { status, sentAt: now } });
        if (d.recipient === 'office') counts.office += 1;
        else if (status === 'sent') counts.teachers += 1;
        else counts.notInstalled += 1;
      } catch (err) {
        await stores.parentWithdrawalNotices.deleteOne({ _id: id });
        counts.failed += 1;
        log.warn({ schoolId: school.id, recipient: d.recipient === 'office' ? 'office' : 'teacher', err }, 'withdrawal notice not sent; the next run tries again');
      }
    }
  }
  log.info({ schoolId: school.id, ...counts }, 'withdrawal notices');
  return counts;
}
