import type { Models } from '../db/models.js';
import type { Person } from '../directory/person.js';
import { resolveAudience, SELF_SIGNING_ROLES, type Audience } from './audience.js';
import type { AgreementCampaign, AgreementSend } from './campaign-model.js';
import { queueSends } from './campaigns.js';
import { signedPersonIds } from './compliance.js';
import type { AgreementVersion } from './version-model.js';

const DAY_MS = 86_400_000;

/** What one pass over a school's open campaigns queued. */
export interface TickSummary {
  joiners: number;
  reminders: number;
  escalations: number;
}

/**
 * One pass over a school's open campaigns: queues a first card for people who joined the audience since
 * it was issued (new joiners), reminders whose day has come for those still unsigned, and — once the
 * last reminder and the due date have passed — one escalation card to the named person. Every item is a
 * unique insert, so running this every few minutes (or twice at once) queues each card once.
 */
export async function queueCampaignFollowUps(models: Models, schoolId: string, now: Date): Promise<TickSummary> {
  const summary: TickSummary = { joiners: 0, reminders: 0, escalations: 0 };
  const campaigns = await models.agreementCampaigns.find({ schoolId, status: 'open' }).lean<AgreementCampaign[]>();
  for (const campaign of campaigns) {
    const version = await models.agreementVersions.findById(campaign.versionId).lean<AgreementVersion>();
    if (!version) continue;
    const audience = await resolveAudience(models.people, schoolId, campaign.audience as Audience);
    const selfSigning = audience.filter((p) => SELF_SIGNING_ROLES.has(p.role));
    summary.joiners += await queueSends(models, campaign, selfSigning.map((p) => p.personId), 0, now);

    const signed = await signedPersonIds(models, version, now);
    const firsts = await models.agreementSends.find({ campaignId: campaign._id, round: 0 }).lean<AgreementSend[]>();
    const unsigned = firsts.filter((s) => !signed.has(s.personId) && selfSigning.some((p) => p.personId === s.personId));
    const days = campaign.reminderDays ?? [];
    const start = new Date(campaign.createdAt).getTime();
    for (const [i, day] of days.entries()) {
      if (now.getTime() < start + day * DAY_MS) break;
      // Counted from the campaign's start for everyone, joiners included (simple and predictable).
      summary.reminders += await queueSends(models, campaign, unsigned.map((s) => s.personId), i + 1, now);
    }
    const lastReminderAt = start + (days.at(-1) ?? 0) * DAY_MS;
    if (campaign.escalateTo && unsigned.length > 0 && now.getTime() >= Math.max(lastReminderAt, new Date(campaign.dueAt).getTime())) {
      const target = await models.people.findOne({ schoolId, email: campaign.escalateTo, active: true }).lean<Person>();
      if (target) summary.escalations += await queueSends(models, campaign, [target.personId], -1, now);
    }
  }
  return summary;
}
