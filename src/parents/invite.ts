import type { School } from '../config/load.js';
import type { Models } from '../stores.js';
import type { Person } from '../directory/person.js';
import type { Logger } from '../log/logger.js';
import type { ParentLink } from './link-model.js';
import { composeParentEmail, type ParentMailSender } from './mailer.js';
import { issueToken } from './tokens.js';
import { isDuplicateKey } from '../db/errors.js';

/** What a mailing needs. */
export interface MailingInput {
  school: School;
  publicUrl: string;
  round: string;
  purpose: 'consent' | 'review';
  /** 0 for the first email; the reminder's day for a reminder. */
  step: number;
  now: Date;
  dryRun: boolean;
  /** Who approved this send (a name), stored on each claim of the round. */
  approvedBy?: string;
  /** Only these links (default: every active link of the school). */
  only?: (link: ParentLink) => boolean;
}

/** Counts of one mailing; no addresses or names. */
export interface MailingResult {
  sent: number;
  already: number;
  failed: number;
  wouldSend: number;
}

/**
 * Emails each linked parent a fresh single-use link, once per (round, parent, child, step). The claim is a unique
 * insert; a failed send removes its claim so the next run tries again, and its unused link simply expires.
 */
export async function sendParentLinks(models: Models, sender: ParentMailSender | null, input: MailingInput, logger: Logger): Promise<MailingResult> {
  const result: MailingResult = { sent: 0, already: 0, failed: 0, wouldSend: 0 };
  const from = input.school.parents?.sender;
  const links = (await models.parentLinks.find({ schoolId: input.school.id, active: true }).sort({ parentId: 1, pupilId: 1 }).lean<ParentLink[]>()).filter(input.only ?? (() => true));
  for (const link of links) {
    const id = `${input.school.id}:${input.round}:${link.parentId}:${link.pupilId}:${input.step}`;
    if (await models.parentSends.exists({ _id: id })) {
      result.already++;
      continue;
    }
    if (input.dryRun || !sender || !from) {
      result.wouldSend++;
      continue;
    }
    try {
      await models.parentSends.create({ _id: id, schoolId: input.school.id, round: input.round, parentId: link.parentId, pupilId: link.pupilId, step: input.step, purpose: input.purpose, status: 'claimed', claimedAt: input.now, ...(input.approvedBy ? { approvedBy: input.approvedBy } : {}) });
    } catch (err) {
      if (isDuplicateKey(err)) {
        result.already++;
        continue;
      }
      throw err;
    }
    try {
      const pupil = await models.people.findOne({ schoolId: input.school.id, personId: link.pupilId }).lean<Person>();
      const { token, expiresAt } = await issueToken(models, { schoolId: input.school.id, parentId: link.parentId, pupilId: link.pupilId, purpose: input.purpose, round: input.round, days: input.school.parents?.linkDays }, input.now);
      const raw = await composeParentEmail({
        from,
        to: link.email,
        schoolName: input.school.name,
        childFirstName: (pupil?.displayName ?? 'your child').split(' ')[0] ?? 'your child',
        link: `${input.publicUrl.replace(/\/$/, '')}/parents/consent/${token}`,
        expiresAt,
        purpose: input.purpose,
        reminder: input.step > 0,
      });
      const sent = await sender.send(raw, from);
      await models.parentSends.updateOne({ _id: id }, { $set: { status: 'sent', sentAt: input.now, ...(sent.providerMessageId ? { providerMessageId: sent.providerMessageId } : {}) } });
      result.sent++;
    } catch (err) {
      await models.parentSends.deleteOne({ _id: id });
      result.failed++;
      logger.warn({ schoolId: input.school.id, parentId: link.parentId, err: { message: (err as Error).message, status: (err as { status?: number }).status } }, 'parent email failed');
    }
  }
  return result;
}

/**
 * Sends the reminders that are due: for each first email of a consent round sent at least N days ago (N from
 * parents.reminderDays), a reminder to parents who have not answered for that child since the round began.
 */
export async function sendDueReminders(models: Models, sender: ParentMailSender | null, school: School, publicUrl: string, now: Date, logger: Logger): Promise<MailingResult & { rounds: number }> {
  const total = { sent: 0, already: 0, failed: 0, wouldSend: 0, rounds: 0 };
  const firsts = await models.parentSends.find({ schoolId: school.id, step: 0, purpose: 'consent', status: 'sent' }).lean<{ round: string; parentId: string; pupilId: string; sentAt: Date }[]>();
  const rounds = new Map<string, { start: Date; pairs: Set<string> }>();
  for (const f of firsts) {
    const r = rounds.get(f.round) ?? { start: f.sentAt, pairs: new Set<string>() };
    if (f.sentAt < r.start) r.start = f.sentAt;
    r.pairs.add(`${f.parentId}|${f.pupilId}`);
    rounds.set(f.round, r);
  }
  for (const [round, r] of rounds) {
    for (const day of school.parents?.reminderDays ?? [7]) {
      if (now.getTime() - r.start.getTime() < day * 86_400_000) continue;
      const answered = new Set(
        (await models.parentConsents.find({ schoolId: school.id, at: { $gte: r.start } }, { parentId: 1, pupilId: 1 }).lean<{ parentId: string; pupilId: string }[]>()).map((c) => `${c.parentId}|${c.pupilId}`),
      );
      total.rounds++;
      const res = await sendParentLinks(models, sender, { school, publicUrl, round, purpose: 'consent', step: day, now, dryRun: false, only: (l) => r.pairs.has(`${l.parentId}|${l.pupilId}`) && !answered.has(`${l.parentId}|${l.pupilId}`) }, logger);
      total.sent += res.sent;
      total.already += res.already;
      total.failed += res.failed;
      total.wouldSend += res.wouldSend;
    }
  }
  return total;
}
