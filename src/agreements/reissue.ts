import type { Models } from '../stores.js';
import type { Audience } from './audience.js';
import type { AgreementCampaign } from './campaign-model.js';
import { planCampaign, type IssueRequest, type PlannedRecipient } from './campaigns.js';
import { startCampaign } from './start-campaign.js';
import type { AgreementVersion } from './version-model.js';

const DAY_MS = 86_400_000;

/** One open campaign for an earlier version, and the campaign that replaces it. */
export interface Reissue {
  from: string;
  /** The new campaign's id (what it would be, in a dry run). */
  to: string;
  audience: Audience;
  dueAt: Date;
  recipients: PlannedRecipient[];
  /** Cards queued (0 in a dry run). */
  queued: number;
}

/** The request that asks an earlier campaign's audience to sign `version`, on the earlier campaign's terms. */
export function reissueRequest(old: AgreementCampaign, version: AgreementVersion, now: Date, by: string, reason: string): IssueRequest {
  // "The previous due-date rules": as long to sign from now as the earlier campaign gave (at least a day).
  const span = Math.max(DAY_MS, new Date(old.dueAt).getTime() - new Date(old.createdAt).getTime());
  return {
    schoolId: old.schoolId,
    version,
    audience: old.audience as Audience,
    dueAt: new Date(now.getTime() + span),
    reminderDays: old.reminderDays ?? [],
    ...(old.escalateTo ? { escalateTo: old.escalateTo } : {}),
    createdBy: by,
    reason: `Material change in version ${version.number}: ${reason}`,
    key: `v${version.number}-after-${old.key}`.slice(0, 200),
  };
}

/**
 * After a material change: each open campaign for an earlier version of the policy is replaced by a campaign
 * for `version` with the same audience, reminders, escalation and time to sign, and is closed (its cards then
 * say "please sign the current version"). Idempotent: the new campaign's key names the old one.
 * `dryRun` only works out who would be asked.
 */
export async function reissueAfterMaterialChange(models: Models, version: AgreementVersion, now: Date, options: { by: string; reason: string; dryRun?: boolean }): Promise<Reissue[]> {
  const open = await models.agreementCampaigns
    .find({ schoolId: version.schoolId, policyId: version.policyId, status: 'open', versionId: { $ne: version._id } })
    .sort({ createdAt: 1 })
    .lean<AgreementCampaign[]>();
  const out: Reissue[] = [];
  for (const old of open) {
    const request = reissueRequest(old, version, now, options.by, options.reason);
    if (options.dryRun) {
      const plan = await planCampaign(models, request, now);
      out.push({ from: old._id, to: plan.campaignId, audience: plan.audience, dueAt: request.dueAt, recipients: plan.recipients, queued: 0 });
      continue;
    }
    const started = await startCampaign(models, request, now);
    // A plain status write is enough: closing twice is harmless, and the new campaign's unique key decided the rest.
    await models.agreementCampaigns.updateOne({ _id: old._id }, { $set: { status: 'closed' } });
    out.push({ from: old._id, to: started.campaign._id, audience: started.plan.audience, dueAt: new Date(started.campaign.dueAt), recipients: started.plan.recipients, queued: started.queued });
  }
  return out;
}
