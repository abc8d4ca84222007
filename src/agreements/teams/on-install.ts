import type { TurnContext } from '@microsoft/agents-hosting';
import type { Models } from '../../db/models.js';
import type { Logger } from '../../log/logger.js';
import { isDuplicateKey } from '../../jobs/job-model.js';
import { cardMessage } from '../../teams/cards.js';
import type { Sender } from '../../teams/identify.js';
import { openCampaignsFor, queueSends, sendId } from '../campaigns.js';
import { signatureFor } from '../state.js';
import type { AgreementVersion } from '../version-model.js';
import { signCard } from './render.js';

/**
 * When Lantern is installed in someone's personal chat (a new chat, or the demo's Playground opening),
 * shows them each agreement an open campaign is waiting for, as a reply in that chat, and records the
 * first card of each as sent so the queue does not send it again.
 */
export async function offerPendingAgreements(turn: TurnContext, models: Models, sender: Sender, log: Logger, now: Date = new Date()): Promise<number> {
  const { person, school } = sender;
  const scope = turn.activity.conversation?.conversationType ?? 'personal';
  // Only a person's own chat: installing Lantern in a team must not post someone's agreements there.
  if (!person || !school || scope !== 'personal') return 0;
  let offered = 0;
  for (const campaign of await openCampaignsFor(models, person)) {
    const version = await models.agreementVersions.findById(campaign.versionId).lean<AgreementVersion>();
    if (!version || (await signatureFor(models, version, person.personId, now))) continue;
    await turn.sendActivity(cardMessage(signCard(version, { school, userId: turn.activity.from?.id, campaignId: campaign._id, dueAt: campaign.dueAt })));
    await queueSends(models, campaign, [person.personId], 0, now);
    await models.agreementSendResults
      .create({ _id: sendId(campaign._id, person.personId, 0), schoolId: school.id, campaignId: campaign._id, personId: person.personId, round: 0, status: 'sent', attempts: 1, at: now, detail: 'shown when the chat opened' })
      .catch((err: unknown) => {
        if (!isDuplicateKey(err)) throw err;
      });
    offered += 1;
  }
  if (offered > 0) log.info({ offered }, 'pending agreements offered on install');
  return offered;
}
