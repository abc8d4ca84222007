import type { Models } from '../stores.js';
import type { SchoolCalendar } from './academic-year.js';
import type { Person } from '../directory/person.js';
import { inAudience, SELF_SIGNING_ROLES, type Audience } from './audience.js';
import type { AgreementCampaign } from './campaign-model.js';
import { classPromptTargets, queueSends, sendId, targetSendId, type SendTarget } from './campaigns.js';
import { adoptTargets, insertRows, pupilRequestId, requestDone, requestPeriod } from './open-requests.js';
import type { AgreementOpenRequest } from './request-model.js';
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
 * and the due date have passed — one escalation card to the named person. Reads the campaigns, people,
 * versions and the open requests (agreement_open_requests: one row per target, kept by the signing path), never
 * the year's signatures or sent cards unless a target has no row yet (see adoptTargets). Every card is a unique
 * insert, so running this every few minutes (or twice at once) queues each card once.
 */
export async function queueCampaignFollowUps(models: Models, schoolId: string, now: Date, calendar: SchoolCalendar): Promise<TickSummary> {
  const summary: TickSummary = { joiners: 0, reminders: 0, escalations: 0, classPrompts: 0 };
  const campaigns = await models.agreementCampaigns.find({ schoolId, status: 'open' }).lean<AgreementCampaign[]>();
  if (campaigns.length === 0) return summary;
  const [people, versions, stored] = await Promise.all([
    models.people.find({ schoolId, active: true }).lean<Person[]>(),
    models.agreementVersions.find({ schoolId }).lean<AgreementVersion[]>(),
    models.agreementOpenRequests.find({ schoolId }).lean<AgreementOpenRequest[]>(),
  ]);
  const rows = new Map(stored.map((r) => [r._id, r]));
  // Rows of campaigns closed since (a roll-over, a re-issue) are no longer anyone's work.
  const open = new Set(campaigns.map((c) => c._id));
  const closed = stored.filter((r) => !open.has(r.campaignId)).map((r) => r._id);
  if (closed.length > 0) await models.agreementOpenRequests.deleteMany({ _id: { $in: closed } });
  for (const campaign of campaigns) {
    const version = versions.find((v) => v._id === campaign.versionId);
    if (!version) continue;
    const audience = people.filter((p) => inAudience(p, campaign.audience as Audience));
    const selfSigning = audience.filter((p) => SELF_SIGNING_ROLES.has(p.role));
    const pupils = audience.filter((p) => p.role === 'pupil');
    const prompts = classPromptTargets(people, campaign.audience as Audience);
    const adopted = await adoptTargets(models, campaign, version, { signers: selfSigning, pupils, prompts }, rows, now, calendar);
    summary.joiners += adopted.joiners;
    summary.classPrompts += adopted.classPrompts;

    // Reminders, each counted from the person's own first card; class prompts while a pupil of the form is still to agree.
    const period = requestPeriod(version, now, calendar);
    const done = (id: string) => requestDone(rows.get(id), period);
    const days = campaign.reminderDays ?? [];
    const pending = new Set(pupils.filter((p) => !done(pupilRequestId(campaign._id, p.personId))).map((p) => p.form));
    const owed = new Map<number, { target: SendTarget; row: string }[]>();
    const remind = (target: SendTarget) => {
      const row = rows.get(targetSendId(campaign._id, target, 0));
      if (!row?.firstAt) return;
      const step = dueReminderStep(days, new Date(row.firstAt), now);
      if (step <= (row.step ?? 0)) return;
      owed.set(step, [...(owed.get(step) ?? []), { target: { ...target, ...(row.signBy ? { signBy: row.signBy } : {}) }, row: row._id }]);
    };
    for (const p of selfSigning) if (!done(sendId(campaign._id, p.personId, 0))) remind({ personId: p.personId });
    for (const t of prompts) if (pending.has(t.form)) remind(t);
    for (const [step, items] of owed) {
      summary.reminders += await queueSends(models, campaign, items.filter((i) => !i.target.form).map((i) => i.target), step, now);
      summary.classPrompts += await queueSends(models, campaign, items.filter((i) => i.target.form).map((i) => i.target), step, now);
      await models.agreementOpenRequests.updateMany({ _id: { $in: items.map((i) => i.row) }, step: { $lt: step } }, { $set: { step } });
    }

    const unsigned = selfSigning.filter((p) => !done(sendId(campaign._id, p.personId, 0)));
    const lastReminderAt = new Date(campaign.createdAt).getTime() + (days.at(-1) ?? 0) * DAY_MS;
    if (campaign.escalateTo && unsigned.length > 0 && now.getTime() >= Math.max(lastReminderAt, new Date(campaign.dueAt).getTime())) {
      const target = people.find((p) => p.email === campaign.escalateTo);
      const id = target && sendId(campaign._id, target.personId, -1);
      if (target && id && !rows.has(id)) {
        summary.escalations += await queueSends(models, campaign, [target.personId], -1, now);
        const row = { _id: id, schoolId, campaignId: campaign._id, kind: 'escalation', policyId: version.policyId, signGroup: version.signGroup, period, step: 0, done: false, seq: 0 } as AgreementOpenRequest;
        await insertRows(models, [row]);
        rows.set(id, row);
      }
    }
  }
  return summary;
}
