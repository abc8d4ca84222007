import type { Models } from '../db/models.js';
import type { AgreementCampaign } from './campaign-model.js';
import { issueCampaign } from './campaigns.js';
import { schoolAcademicYear } from './academic-year.js';
import type { AgreementVersion } from './version-model.js';
import { currentVersion } from './versions.js';

const DAY_MS = 86_400_000;

/**
 * Re-issues each yearly agreement with an open campaign as a new campaign for the new academic year
 * (same audience, reminders and escalation; due four weeks later) and closes the old one. A signature
 * for a yearly agreement counts only in the academic year it was given, so everyone signs again.
 * Idempotent: the new campaign's key is the academic year, and a campaign started in the current academic year
 * (e.g. issued last week) is left alone, so running it again, or late, re-issues nothing twice.
 */
export async function rollOverYearlyAgreements(models: Models, schoolId: string, now: Date): Promise<{ reissued: string[] }> {
  const year = schoolAcademicYear(schoolId, now);
  const open = await models.agreementCampaigns.find({ schoolId, status: 'open' }).lean<AgreementCampaign[]>();
  const reissued: string[] = [];
  const done = new Set<string>();
  for (const old of open) {
    if (done.has(old.policyId) || old.key === `year-${year}` || schoolAcademicYear(schoolId, new Date(old.createdAt)) === year) continue;
    const version = await currentVersion(models, schoolId, old.policyId);
    if (!version?.yearly) continue;
    done.add(old.policyId);
    const { campaign } = await issueCampaign(
      models,
      {
        schoolId,
        version: version as AgreementVersion,
        audience: old.audience as never,
        dueAt: new Date(now.getTime() + 28 * DAY_MS),
        reminderDays: old.reminderDays ?? [],
        ...(old.escalateTo ? { escalateTo: old.escalateTo } : {}),
        createdBy: 'academic-year roll-over',
        reason: `Yearly re-signing for ${year}`,
        key: `year-${year}`,
      },
      now,
    );
    await models.agreementCampaigns.updateMany({ schoolId, policyId: old.policyId, status: 'open', _id: { $ne: campaign._id } }, { $set: { status: 'closed' } });
    reissued.push(campaign._id);
  }
  return { reissued };
}
