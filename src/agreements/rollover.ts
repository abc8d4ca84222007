import type { Models } from '../stores.js';
import type { AgreementCampaign } from './campaign-model.js';
import { issueCampaign } from './campaigns.js';
import { academicYearIn, type SchoolCalendar } from './academic-year.js';
import type { AgreementVersion } from './version-model.js';

const DAY_MS = 86_400_000;

/**
 * Re-issues each yearly agreement with an open campaign as a new campaign for the new academic year
 * (the audience, reminders and escalation of its latest open campaign; due four weeks later) and closes
 * that policy's earlier campaigns. A signature for a yearly agreement counts only in the academic year it
 * was given, so everyone signs again. Each policy is handled on its own: its campaign is found by its own
 * policy, version and key, and only its own campaigns are closed. Idempotent: the new campaign's key is the
 * academic year, and a policy with a campaign started in the current academic year (e.g. issued last week)
 * is left alone, so running it again, or late, re-issues nothing twice. Years are the school's (`calendar`).
 */
export async function rollOverYearlyAgreements(models: Models, schoolId: string, now: Date, calendar: SchoolCalendar): Promise<{ reissued: string[] }> {
  const year = academicYearIn(now, calendar);
  const [open, versions] = await Promise.all([
    models.agreementCampaigns.find({ schoolId, status: 'open' }).sort({ createdAt: 1 }).lean<AgreementCampaign[]>(),
    models.agreementVersions.find({ schoolId }).sort({ number: 1 }).lean<AgreementVersion[]>(),
  ]);
  const current = new Map(versions.map((v) => [v.policyId, v]));
  const byPolicy = new Map<string, AgreementCampaign[]>();
  for (const c of open) byPolicy.set(c.policyId, [...(byPolicy.get(c.policyId) ?? []), c]);
  const reissued: string[] = [];
  for (const [policyId, campaigns] of byPolicy) {
    const version = current.get(policyId);
    if (!version?.yearly) continue;
    if (campaigns.some((c) => academicYearIn(new Date(c.createdAt), calendar) === year)) continue;
    const latest = campaigns.at(-1) as AgreementCampaign;
    const { campaign } = await issueCampaign(
      models,
      {
        schoolId,
        version,
        audience: latest.audience as never,
        dueAt: new Date(now.getTime() + 28 * DAY_MS),
        reminderDays: latest.reminderDays ?? [],
        ...(latest.escalateTo ? { escalateTo: latest.escalateTo } : {}),
        createdBy: 'academic-year roll-over',
        reason: `Yearly re-signing for ${year}`,
        key: `year-${year}`,
      },
      now,
    );
    await models.agreementCampaigns.updateMany({ _id: { $in: campaigns.map((c) => c._id).filter((id) => id !== campaign._id) } }, { $set: { status: 'closed' } });
    reissued.push(campaign._id);
  }
  return { reissued };
}
