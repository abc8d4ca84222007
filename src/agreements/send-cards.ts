import type { Activity, ConversationReference } from '@microsoft/agents-activity';
import type { Person } from '../directory/person.js';
import { cardMessage } from '../teams/cards.js';
import type { AgreementCampaign, AgreementSend } from './campaign-model.js';
import { statusCard } from './teams/status-card.js';
import type { RunCache, SendQueueDeps } from './send-queue.js';
import { signedPersonIds } from './compliance.js';
import { signCard } from './teams/render.js';
import type { AgreementVersion } from './version-model.js';

/** What to do with one queued send. */
export type BuiltSend =
  | { kind: 'send'; reference: ConversationReference; activity: Partial<Activity> }
  | { kind: 'unreachable'; reason: string }
  | { kind: 'skip'; reason: string };

/** The text reports use for someone Lantern cannot message. */
export const NOT_REACHABLE = 'not reachable — Lantern not installed for them';

async function cached<T>(map: Map<string, T | null>, id: string, load: () => Promise<T | null>): Promise<T | null> {
  if (!map.has(id)) map.set(id, await load());
  return map.get(id) ?? null;
}

/**
 * Builds the card a queued send delivers: the sign card for the first card and reminders (skipped once
 * signed), the campaign's figures for the escalation (round -1).
 */
export async function cardForSend(
  deps: Pick<SendQueueDeps, 'models' | 'config' | 'clock'>,
  cache: RunCache,
  item: AgreementSend,
  person: Person | null,
  references: Map<string, ConversationReference>,
): Promise<BuiltSend> {
  const campaign = await cached(cache.campaigns, item.campaignId, () => deps.models.agreementCampaigns.findById(item.campaignId).lean<AgreementCampaign>());
  if (!campaign || campaign.status !== 'open') return { kind: 'skip', reason: 'campaign closed' };
  const version = await cached(cache.versions, campaign.versionId, () => deps.models.agreementVersions.findById(campaign.versionId).lean<AgreementVersion>());
  const school = deps.config.schools.find((s) => s.id === item.schoolId);
  if (!version || !school) return { kind: 'skip', reason: 'version or school no longer exists' };
  if (!person || !person.active) return { kind: 'skip', reason: 'no longer in the directory' };
  const reference = person.aadObjectId ? references.get(person.aadObjectId) : undefined;
  if (item.round >= 0) {
    let signed = cache.signed.get(version._id);
    if (!signed) {
      signed = await signedPersonIds(deps.models, version, deps.clock());
      cache.signed.set(version._id, signed);
    }
    if (signed.has(person.personId)) return { kind: 'skip', reason: 'already signed' };
  }
  if (!reference) return { kind: 'unreachable', reason: NOT_REACHABLE };
  if (item.round < 0) {
    const card = await statusCard(deps.models, school, deps.clock(), { campaignIds: [campaign._id] });
    return { kind: 'send', reference, activity: cardMessage(card) };
  }
  const card = signCard(version, { school, userId: reference.user?.id, campaignId: campaign._id, dueAt: campaign.dueAt });
  return { kind: 'send', reference, activity: cardMessage(card) };
}
