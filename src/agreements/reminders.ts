import type { Models } from '../stores.js';
import type { SchoolCalendar } from './academic-year.js';
import type { Person } from '../directory/person.js';
import { inAudience, SELF_SIGNING_ROLES, type Audience } from './audience.js';
import type { AgreementCampaign, AgreementSend } from './campaign-model.js';
import { classPromptTargets, queueSends, sendId, targetSendId, type SendTarget } from './campaigns.js';
import { doneSubjects, STANDING_FIELDS } from './compliance.js';
import type { AgreementSignature } from './signature-model.js';
import type { AgreementVersion } from './version-model.js';

const DAY_MS = 86_400_000;

/** What one pass over a school's open campaigns queued. */
export interface TickSummary {
  joiners: number;
  reminders: number;
  escalations: number;
  /** Class teachers prompted (or reminded) to record their class's agreement. */
  classPrompts: number;
}

/**
 * The reminder step due for someone whose first card was queued at `start`: the latest of the campaign's
 * reminder days that has come (1-based), or 0. Only the latest is sent, so a pass that runs late (a server
 * down over a weekend) sends one reminder, never several at once.
 */
export function dueReminderStep(reminderDays: readonly number[], start: Date, now: Date): number {
  let step = 0;
  for (const [i, day] of reminderDays.entries()) if (now.getTime() >= start.getTime() + day * DAY_MS) step = i + 1;
  return step;
}

/**
 * One pass over a school's open campaigns: queues a first card for people who joined the audience since it
 * was issued (with their own sign-by date, as long from now as the campaign gave everyone), the reminder whose
 * day has come for each person still unsigned (counted from their own first card, so a late joiner gets their
 * own schedule), class teachers' prompts and reminders for forms still to record, and — once the last reminder
 * and the due date have passed — one escalation card to the named person. Reads each collection once per pass,
 * and every item is a unique insert, so running this every few minutes (or twice at once) queues each card once.
 */
export async function queueCampaignFollowUps(models: Models, schoolId: string, now: Date, calendar: SchoolCalendar): Promise<TickSummary> {
  const summary: TickSummary = { joiners: 0, reminders: 0, escalations: 0, classPrompts: 0 };
  const campaigns = await models.agreementCampaigns.find({ schoolId, status: 'open' }).lean<AgreementCampaign[]>();
  if (campaigns.length === 0) return summary;
  const [people, versions, signatures, sends] = await Promise.all([
    models.people.find({ schoolId, active: true }).lean<Person[]>(),
    models.agreementVersions.find({ schoolId }).lean<AgreementVersion[]>(),
    models.agreementSignatures.find({ schoolId }, STANDING_FIELDS).lean<AgreementSignature[]>(),
    // Only what the pass needs of each queued card: which it is, when it was queued and its sign-by date.
    models.agreementSends.find({ schoolId, campaignId: { $in: campaigns.map((c) => c._id) } }, { dueAt: 1, signBy: 1 }).lean<AgreementSend[]>(),
  ]);
  const queued = new Map(sends.map((s) => [s._id, s]));
  for (const campaign of campaigns) {
    const version = versions.find((v) => v._id === campaign.versionId);
    if (!version) continue;
    const audience = people.filter((p) => inAudience(p, campaign.audience as Audience));
    const signGroup = versions.filter((v) => v.policyId === version.policyId && v.signGroup === version.signGroup).map((v) => v._id);
    const done = doneSubjects(version, signGroup, signatures, now, calendar);
    const selfSigning = audience.filter((p) => SELF_SIGNING_ROLES.has(p.role));
    const prompts = classPromptTargets(people, campaign.audience as Audience);
    const fresh = (targets: readonly SendTarget[], round: number) => targets.filter((t) => !queued.has(targetSendId(campaign._id, t, round)));

    summary.joiners += await queueSends(models, campaign, fresh(selfSigning.map((p) => ({ personId: p.personId })), 0), 0, now);
    summary.classPrompts += await queueSends(models, campaign, fresh(prompts, 0), 0, now);

    // Reminders, each counted from the person's own first card; class prompts while a pupil of the form is still to agree.
    const days = campaign.reminderDays ?? [];
    const pending = new Set(audience.filter((p) => p.role === 'pupil' && !done.has(p.personId)).map((p) => p.form));
    const owed = new Map<number, SendTarget[]>();
    const remind = (target: SendTarget) => {
      const first = queued.get(targetSendId(campaign._id, target, 0));
      if (!first) return;
      const step = dueReminderStep(days, new Date(first.dueAt), now);
      if (step === 0 || queued.has(targetSendId(campaign._id, target, step))) return;
      owed.set(step, [...(owed.get(step) ?? []), { ...target, ...(first.signBy ? { signBy: first.signBy } : {}) }]);
    };
    for (const p of selfSigning) if (!done.has(p.personId)) remind({ personId: p.personId });
    for (const t of prompts) if (pending.has(t.form)) remind(t);
    for (const [step, targets] of owed) {
      summary.reminders += await queueSends(models, campaign, targets.filter((t) => !t.form), step, now);
      summary.classPrompts += await queueSends(models, campaign, targets.filter((t) => t.form), step, now);
    }

    const unsigned = selfSigning.filter((p) => !done.has(p.personId));
    const lastReminderAt = new Date(campaign.createdAt).getTime() + (days.at(-1) ?? 0) * DAY_MS;
    if (campaign.escalateTo && unsigned.length > 0 && now.getTime() >= Math.max(lastReminderAt, new Date(campaign.dueAt).getTime())) {
      const target = people.find((p) => p.email === campaign.escalateTo);
      if (target && !queued.has(sendId(campaign._id, target.personId, -1))) summary.escalations += await queueSends(models, campaign, [target.personId], -1, now);
    }
  }
  return summary;
}
