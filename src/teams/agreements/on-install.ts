import type { Activity, ConversationReference } from '@microsoft/agents-activity';
import type { TurnContext } from '@microsoft/agents-hosting';
import type { LanternConfig } from '../../config/load.js';
import type { Models } from '../../stores.js';
import type { Logger } from '../../log/logger.js';
import type { Sender } from '../identify.js';
import { calendarOf } from '../../agreements/academic-year.js';
import { sha256 } from '../../agreements/canonical.js';
import type { PolicyPageLinks } from '../../agreements/policy-link.js';
import type { AgreementCampaign, AgreementSend } from '../../agreements/campaign-model.js';
import { insertSends, openCampaignsFor, queueSends, sendId } from '../../agreements/campaigns.js';
import { attemptSend, tenantOf } from '../send/attempt.js';
import { cardForSend } from '../send/cards.js';
import { sendQueueDeps, type SendShared } from '../send/deps.js';
import { signatureFor } from '../../agreements/state.js';
import type { AgreementVersion } from '../../agreements/version-model.js';
import { classifySendError, type ProactiveSender } from '../send/proactive.js';

// How long the install turn may wait for this instance's turn to send for the tenant (see send-lease.ts).
const MAX_LEASE_WAIT_MS = 2_000;

/** The id of the first card sent again because its first attempt found Lantern not installed. */
export function installedSendId(campaignId: string, personId: string): string {
  return `${sendId(campaignId, personId, 0)}:installed`;
}

/**
 * The queued first card this person is still owed, or null. A card never attempted is owed as it is;
 * one recorded "not reachable" gets a second item (unique insert, so once however often Lantern is
 * installed); a card sent, skipped or given up on is not owed again.
 */
async function owedFirstCard(models: Models, campaign: AgreementCampaign, personId: string, now: Date): Promise<AgreementSend | null> {
  const first = sendId(campaign._id, personId, 0);
  // A joiner the campaign has not queued yet is queued now.
  await queueSends(models, campaign, [personId], 0, now);
  const outcome = await models.agreementSendResults.findById(first).lean();
  if (!outcome) return models.agreementSends.findById(first).lean<AgreementSend>();
  if (outcome.status !== 'unreachable') return null;
  const again = installedSendId(campaign._id, personId);
  if (await models.agreementSendResults.findById(again, { _id: 1 }).lean()) return null;
  const doc: AgreementSend = { _id: again, schoolId: campaign.schoolId, campaignId: campaign._id, personId, round: 0, dueAt: now, deliveryId: sha256(again).slice(0, 32) };
  await insertSends(models, [doc]);
  return doc;
}

/**
 * When Lantern is installed in someone's personal chat (installationUpdate, or the conversationUpdate
 * that adds the bot; also an admin's install for everyone, and the Playground opening), sends each
 * agreement card an open campaign still owes them as a reply in that chat — including cards that were
 * reported "not reachable — Lantern not installed for them" — rather than leaving them to the next
 * reminder. Each card goes through the queue's claim → post → record steps, so it is sent once however
 * many install activities arrive, and never alongside the queue worker. A card that cannot go now (a
 * 429, another instance holding the tenant's sender lease) stays queued for the worker.
 */
export async function offerPendingAgreements(turn: TurnContext, deps: { models: Models; config: LanternConfig; proactive: ProactiveSender; sending: SendShared; policyLinks: PolicyPageLinks }, sender: Sender, log: Logger, now: Date = new Date()): Promise<number> {
  const { person, school } = sender;
  const activity = turn.activity;
  const scope = activity.conversation?.conversationType ?? 'personal';
  // Only a person's own chat: installing Lantern in a team must not post someone's agreements there.
  if (!person || !school || scope !== 'personal' || !person.aadObjectId) return 0;
  if (activity.type === 'conversationUpdate' && !(activity.membersAdded?.length ?? 0)) return 0;
  const models = deps.models;
  const send = sendQueueDeps({ models, config: deps.config, logger: log, clock: () => new Date(), policyLinks: deps.policyLinks }, deps.sending, deps.proactive);
  const reference = JSON.parse(JSON.stringify(activity.getConversationReference())) as ConversationReference;
  const references = new Map([[person.aadObjectId, reference]]);
  const leave = send.lease?.join();
  let offered = 0;
  try {
    for (const campaign of await openCampaignsFor(models, person)) {
      const version = await models.agreementVersions.findById(campaign.versionId).lean<AgreementVersion>();
      if (!version || (await signatureFor(models, version, person.personId, now, calendarOf(school)))) continue;
      const item = await owedFirstCard(models, campaign, person.personId, now);
      if (!item) continue;
      const built = await cardForSend(send, { campaigns: new Map(), versions: new Map(), signed: new Map(), signCards: new Map() }, item, person, references);
      if (built.kind !== 'send') continue;
      const tenant = tenantOf(built.reference, school.id);
      const wait = (await send.lease?.waitMs(tenant)) ?? 0;
      if (wait > MAX_LEASE_WAIT_MS) continue;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const outcome = await attemptSend(send, item, built, { attempts: 0, contested: false }, {
        ...(send.lease ? { mayStillSend: (t: string) => send.lease?.mayStillSend(t) ?? true } : {}),
        // A reply in the install turn: in Teams it reaches the same chat as a proactive message would.
        transport: async (_ref, card) => {
          try {
            await turn.sendActivity(card as Activity);
          } catch (err) {
            throw classifySendError(err);
          }
        },
      });
      if (outcome === 'sent') offered += 1;
    }
  } catch (err) {
    // The reference is stored; the queue worker still sends whatever is owed.
    log.warn({ err }, 'could not offer pending agreements on install');
  } finally {
    await leave?.().catch(() => undefined);
  }
  if (offered > 0) log.info({ offered }, 'pending agreements sent on install');
  return offered;
}
