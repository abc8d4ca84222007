import type { Models } from '../stores.js';
import type { Person } from '../directory/person.js';
import { isDuplicateKey } from '../db/errors.js';
import { academicYearIn, type SchoolCalendar } from './academic-year.js';
import type { AgreementCampaign, AgreementSend } from './campaign-model.js';
import { queueSends, sendId, targetSendId, type SendTarget } from './campaigns.js';
import { completes, latestBySubject } from './evidence.js';
import type { AgreementOpenRequest } from './request-model.js';
import { countingSignatures } from './signing.js';
import type { AgreementVersion } from './version-model.js';

/** Who one open campaign is collecting from now: its self-signing audience, its pupils and its class teachers' prompts. */
export interface CampaignTargets {
  signers: readonly Person[];
  pupils: readonly Person[];
  prompts: readonly SendTarget[];
}

/** The open request row id of a pupil (pupils get no card: their class teacher records them). */
export function pupilRequestId(campaignId: string, pupilId: string): string {
  return `${campaignId}:${pupilId}`;
}

/** True when a request row is known (its signatures read) and its subject has completed the version in `period`. */
export function requestDone(row: AgreementOpenRequest | undefined, period: string): boolean {
  return Boolean(row && row.seq >= 0 && row.done && (row.period === '-' || row.period === period));
}

/** The academic year whose records count for a version at `now` ("-" for one signed once). */
export function requestPeriod(version: Pick<AgreementVersion, 'yearly'>, now: Date, calendar: SchoolCalendar): string {
  return version.yearly ? academicYearIn(now, calendar) : '-';
}

/**
 * Gives every target of a campaign without a known row one: queues the first card of those never sent one
 * (a joiner, a new class teacher), then inserts their rows from the cards already queued and, once inserted,
 * marks each subject done from their latest counting record. Rows go in before the signatures are read, so a
 * signature recorded meanwhile is seen either here or by the signing path (settleOpenRequests); a row it
 * already settled (seq no longer -1) is left alone. Reads the campaign's sends and the signatures only when
 * something is missing: after an issue, a directory change or an upgrade. Returns the first cards queued.
 */
export async function adoptTargets(
  models: Models,
  campaign: AgreementCampaign,
  version: AgreementVersion,
  targets: CampaignTargets,
  rows: Map<string, AgreementOpenRequest>,
  now: Date,
  calendar: SchoolCalendar,
): Promise<{ joiners: number; classPrompts: number }> {
  const missing = (id: string) => (rows.get(id)?.seq ?? -1) < 0;
  const signers = targets.signers.filter((p) => missing(sendId(campaign._id, p.personId, 0)));
  const prompts = targets.prompts.filter((t) => missing(targetSendId(campaign._id, t, 0)));
  const pupils = targets.pupils.filter((p) => missing(pupilRequestId(campaign._id, p.personId)));
  if (signers.length + prompts.length + pupils.length === 0) return { joiners: 0, classPrompts: 0 };

  const sends = await models.agreementSends.find({ schoolId: campaign.schoolId, campaignId: campaign._id }, { personId: 1, round: 1, dueAt: 1, signBy: 1, form: 1 }).lean<AgreementSend[]>();
  const queued = new Map(sends.map((s) => [s._id, s]));
  const remember = (items: AgreementSend[]) => items.forEach((s) => queued.set(s._id, s));
  const joiners = await queueSends(models, campaign, signers.filter((p) => !queued.has(sendId(campaign._id, p.personId, 0))).map((p) => p.personId), 0, now, remember);
  const classPrompts = await queueSends(models, campaign, prompts.filter((t) => !queued.has(targetSendId(campaign._id, t, 0))), 0, now, remember);

  // The latest reminder round already queued for each target, and the escalation if it went.
  const steps = new Map<string, number>();
  for (const s of sends) {
    const key = s.form ? `${s.personId}@${s.form}` : s.personId;
    if (s.round > (steps.get(key) ?? 0)) steps.set(key, s.round);
  }
  const period = requestPeriod(version, now, calendar);
  const base = { schoolId: campaign.schoolId, campaignId: campaign._id, policyId: version.policyId, signGroup: version.signGroup, period, done: false, seq: -1 };
  // A first card queued by someone else between the read and the insert above: its time is near enough now.
  const first = (id: string) => {
    const s = queued.get(id);
    return { firstAt: s ? new Date(s.dueAt) : now, ...(s?.signBy ? { signBy: s.signBy } : {}) };
  };
  const docs: AgreementOpenRequest[] = [
    ...signers.map((p) => ({ ...base, _id: sendId(campaign._id, p.personId, 0), kind: 'signer', subject: p.personId, ...first(sendId(campaign._id, p.personId, 0)), step: steps.get(p.personId) ?? 0 })),
    ...prompts.map((t) => ({ ...base, _id: targetSendId(campaign._id, t, 0), kind: 'prompt', teacherId: t.personId, form: t.form, ...first(targetSendId(campaign._id, t, 0)), step: steps.get(`${t.personId}@${t.form}`) ?? 0, seq: 0 })),
    ...pupils.map((p) => ({ ...base, _id: pupilRequestId(campaign._id, p.personId), kind: 'pupil', subject: p.personId, step: 0 })),
    ...sends.filter((s) => s.round === -1).map((s) => ({ ...base, _id: s._id, kind: 'escalation', seq: 0, step: 0 })),
  ] as AgreementOpenRequest[];
  await insertRows(models, docs);

  const latest = latestBySubject(await countingSignatures(models, version, now, calendar));
  // Grouped by what the rows are set to, so a campaign just issued (nobody signed yet) is one write.
  const groups = new Map<string, string[]>();
  for (const d of docs) {
    if (!d.subject) continue;
    const record = latest.get(d.subject);
    const key = `${record && completes(version, record) ? 1 : 0}|${record?.seq ?? 0}`;
    groups.set(key, [...(groups.get(key) ?? []), d._id]);
  }
  for (const [key, ids] of groups) {
    const [done, seq] = key.split('|');
    await models.agreementOpenRequests.updateMany({ _id: { $in: ids }, seq: -1 }, { $set: { done: done === '1', seq: Number(seq) } });
  }
  for (const row of await models.agreementOpenRequests.find({ schoolId: campaign.schoolId, campaignId: campaign._id }).lean<AgreementOpenRequest[]>()) rows.set(row._id, row);
  return { joiners, classPrompts };
}

/** Unordered insert of request rows; a row already there (another instance, an earlier pass) is skipped. */
export async function insertRows(models: Pick<Models, 'agreementOpenRequests'>, docs: readonly AgreementOpenRequest[]): Promise<void> {
  if (docs.length === 0) return;
  await models.agreementOpenRequests.insertMany(docs, { ordered: false }).catch((err: unknown) => {
    const e = err as { writeErrors?: unknown[] };
    if (!e.writeErrors || !e.writeErrors.every((w) => isDuplicateKey(w))) throw err;
  });
}
