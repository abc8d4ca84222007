import type { LanternConfig } from '../../config/load.js';
import type { Models } from '../../stores.js';
import type { Person } from '../../directory/person.js';
import type { Logger } from '../../log/logger.js';
import { cardMessage, renderCard } from '../cards.js';
import { CARD_TEXT_MAX, userText } from '../card-text.js';
import { localTime } from '../../agreements/state.js';
import type { AgreementVersion } from '../../agreements/version-model.js';
import { personalReference, type ProactiveSender } from '../send/proactive.js';

/** What delivering a card to someone's personal chat needs. */
export interface DeliverDeps {
  sender: ProactiveSender;
  config: LanternConfig;
  models: Models;
  log: Logger;
}

/**
 * Sends a recorded question to the policy owner's personal chat and marks it delivered. Leaves it
 * undelivered (for the next tick to retry) when the owner has no Lantern chat or the send fails.
 */
export async function deliverQuestion(deps: DeliverDeps, questionId: string): Promise<boolean> {
  try {
    const q = await deps.models.agreementQuestions.findById(questionId).lean();
    if (!q || q.delivered) return Boolean(q?.delivered);
    const version = await deps.models.agreementVersions.findById(q.versionId).lean<AgreementVersion>();
    const school = deps.config.schools.find((s) => s.id === q.schoolId);
    const owner = await deps.models.people.findOne({ schoolId: q.schoolId, email: q.ownerEmail, active: true }).lean<Person>();
    const asker = await deps.models.people.findOne({ schoolId: q.schoolId, personId: q.personId }).lean<Person>();
    if (!version || !school || !owner || !asker) {
      deps.log.warn({ questionId }, 'agreement question cannot be delivered: owner, asker or version missing');
      return false;
    }
    const reference = await personalReference(deps.models, owner);
    if (!reference) {
      deps.log.warn({ questionId }, 'policy owner has no Lantern chat; question kept for them');
      return false;
    }
    const card = renderCard('agreement-owner-question', {
      title: version.title,
      askerName: userText(asker.displayName, CARD_TEXT_MAX.short),
      askerRole: userText(asker.jobTitle ?? asker.role, CARD_TEXT_MAX.short),
      versionNumber: version.number,
      question: userText(q.text),
      askedLocal: localTime(new Date(q.askedAt), school.timezone),
    });
    await deps.sender.send(reference, cardMessage(card));
    await deps.models.agreementQuestions.updateOne({ _id: questionId }, { $set: { delivered: true } });
    deps.log.info({ questionId }, 'agreement question delivered to the policy owner');
    return true;
  } catch (err) {
    deps.log.warn({ err, questionId }, 'agreement question delivery failed; will retry');
    return false;
  }
}

/** Sends a card to each DSL team member who has a Lantern chat; returns how many received it. */
export async function deliverToDslTeam(deps: DeliverDeps, schoolId: string, card: ReturnType<typeof renderCard>): Promise<number> {
  const school = deps.config.schools.find((s) => s.id === schoolId);
  if (!school) return 0;
  let delivered = 0;
  for (const member of school.dsl.members) {
    const person = await deps.models.people.findOne({ schoolId, email: member.email, active: true }).lean<Person>();
    const reference = person ? await personalReference(deps.models, person) : null;
    if (!reference) continue;
    try {
      await deps.sender.send(reference, cardMessage(card));
      delivered += 1;
    } catch (err) {
      deps.log.warn({ err }, 'card to a DSL team member failed');
    }
  }
  return delivered;
}
